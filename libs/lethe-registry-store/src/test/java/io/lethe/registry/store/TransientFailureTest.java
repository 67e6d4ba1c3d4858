package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class TransientFailureTest {

  @Test
  void anUnreachableServerIsTransient() {
    MinioException e = new MinioException(new ConnectException("Connection refused"));

    assertThat(Bucket.isTransient(e)).isTrue();
  }

  @Test
  void aServerErrorIsTransientAndAClientErrorIsNot() {
    assertThat(Bucket.isTransient(new ServerException("boom", 503, "trace"))).isTrue();
    assertThat(Bucket.isTransient(new ServerException("denied", 403, "trace"))).isFalse();
  }

  @Test
  void anSdkErrorWithoutAnIoCauseIsPermanent() {
    assertThat(Bucket.isTransient(new MinioException("bad argument"))).isFalse();
  }
}
