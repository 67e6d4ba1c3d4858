package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TransientFailureTest {

  @Test
  void anUnreachableServerIsTransient() {
    MinioException e = new MinioException(new ConnectException("Connection refused"));

    assertThat(Bucket.isTransient(e)).isTrue();
  }

  @Test
  void aNetworkErrorWrappedInARuntimeExceptionIsTransient() {
    // What MinIO 9 throws with the server stopped (seen against s3proxy).
    assertThat(
            Bucket.isTransient(
                new IllegalStateException(
                    "java.net.ConnectException: Connection refused",
                    new ConnectException("Connection refused"))))
        .isTrue();
    assertThat(
            Bucket.isTransient(
                new CompletionException(new SocketTimeoutException("timeout while reading"))))
        .isTrue();
    assertThat(Bucket.isTransient(new IllegalStateException(new InterruptedIOException("timeout"))))
        .isTrue();
    assertThat(Bucket.isTransient(new UncheckedIOException(new IOException("connection reset"))))
        .isTrue();
    assertThat(
            Bucket.isTransient(
                new RuntimeException(new IllegalStateException(new TimeoutException("call")))))
        .isTrue();
  }

  @Test
  void aServerErrorOrThrottlingIsTransientAndAClientErrorIsNot() {
    assertThat(Bucket.isTransient(new ServerException("boom", 503, "trace"))).isTrue();
    assertThat(Bucket.isTransient(new ServerException("slow down", 429, "trace"))).isTrue();
    assertThat(Bucket.isTransient(new ServerException("denied", 403, "trace"))).isFalse();
    assertThat(
            Bucket.isTransient(
                new IllegalStateException(new ServerException("boom", 502, "trace"))))
        .isTrue();
  }

  @Test
  void anAnswerFromTheServerDecidesOverIoFurtherDown() {
    ServerException denied =
        new ServerException("denied", 403, "trace") {
          @Override
          public synchronized Throwable getCause() {
            return new IOException("the body could not be read");
          }
        };

    assertThat(Bucket.isTransient(denied)).isFalse();
  }

  @Test
  void anSdkErrorWithoutAnIoCauseIsPermanent() {
    assertThat(Bucket.isTransient(new MinioException("bad argument"))).isFalse();
    assertThat(Bucket.isTransient(new IllegalArgumentException("bad key"))).isFalse();
  }

  @Test
  void aCyclicCauseChainEnds() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    assertThat(Bucket.isTransient(a)).isFalse();
  }
}
