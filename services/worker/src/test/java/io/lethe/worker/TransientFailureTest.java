package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.registry.store.NotFoundException;
import io.lethe.registry.store.StoreUnavailableException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class TransientFailureTest {

  @Test
  void anUnavailableStoreAnywhereInTheCauseChainIsRetriedNotReported() {
    StoreUnavailableException outage =
        new StoreUnavailableException("could not get s3://b/k", new ConnectException("refused"));

    assertThat(Worker.isTransient(outage)).isTrue();
    assertThat(Worker.isTransient(new IllegalStateException("loading parent", outage))).isTrue();
  }

  @Test
  void aRawConnectionFailureWrappedByALibraryIsRetriedNotReported() {
    // The field finding: S3 stopped, the job ended FAILED with this and its offset was committed.
    assertThat(
            Worker.isTransient(
                new IllegalStateException(
                    "java.net.ConnectException: refused", new ConnectException("refused"))))
        .isTrue();
  }

  @Test
  void aMissingVersionOrABadRequestIsAVerdict() {
    assertThat(Worker.isTransient(new NotFoundException("no v7"))).isFalse();
    assertThat(Worker.isTransient(new IllegalArgumentException("unsupported method"))).isFalse();
    // A local file-system verdict is not an outage (other IOExceptions are: FailureClassifier).
    assertThat(
            Worker.isTransient(
                new UncheckedIOException(new java.nio.file.AccessDeniedException("/scratch"))))
        .isFalse();
  }
}
