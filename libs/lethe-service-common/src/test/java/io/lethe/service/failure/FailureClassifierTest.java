package io.lethe.service.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.ext.web.handler.HttpException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailureClassifierTest {
  /** A client library's error this module does not know, carrying an HTTP status. */
  static final class S3Error extends RuntimeException {
    final int status;

    S3Error(int status) {
      super("S3 answered " + status);
      this.status = status;
    }
  }

  /** Stands in for io.lethe.registry.store.StoreUnavailableException (not importable here). */
  static final class StoreDown extends RuntimeException {
    StoreDown(Throwable cause) {
      super("store down", cause);
    }
  }

  private static final FailureClassifier CLASSIFIER =
      FailureClassifier.defaults()
          .orTransientIfInstanceOf(StoreDown.class)
          .orStatusOf(t -> t instanceof S3Error e ? OptionalInt.of(e.status) : OptionalInt.empty());

  static Stream<Arguments> failures() {
    return Stream.of(
        // The field finding: a raw connection failure wrapped by a library.
        row(
            true,
            new IllegalStateException(
                "java.net.ConnectException: refused", new ConnectException("refused"))),
        row(true, new ConnectException("Connection refused")),
        row(true, new SocketException("Connection reset")),
        row(true, new SocketTimeoutException("read timed out")),
        row(true, new UnknownHostException("minio")),
        row(true, new EOFException("unexpected end of stream")),
        row(true, new UncheckedIOException(new IOException("No space left on device"))),
        row(true, new TimeoutException("no answer in 30 s")),
        row(true, new CompletionException(new TimeoutException("deep"))),
        row(true, new org.apache.kafka.common.errors.TimeoutException("metadata")),
        row(true, new NotLeaderOrFollowerException("moved")),
        row(true, new ThrottlingQuotaExceededException("slow down")),
        row(true, new HttpException(503)),
        row(true, new HttpException(502)),
        row(true, new HttpException(429)),
        row(true, new RuntimeException("wrapped", new S3Error(500))),
        row(true, new S3Error(408)),
        row(true, new StoreDown(null)),
        row(true, new IllegalStateException("loading parent", new StoreDown(null))),
        // Verdicts.
        row(false, new IllegalArgumentException("unsupported method")),
        row(false, new IllegalStateException("manifest lists no parameters")),
        row(false, new NullPointerException()),
        row(false, new NoSuchFileException("/tmp/x")),
        row(false, new UncheckedIOException(new AccessDeniedException("/tmp/x"))),
        row(false, new RecordTooLargeException("too big")),
        row(false, new TopicAuthorizationException("no")),
        row(false, new HttpException(404)),
        row(false, new HttpException(400)),
        row(false, new S3Error(403)),
        row(false, new RuntimeException("no cause")));
  }

  private static Arguments row(boolean transientFailure, Throwable failure) {
    return Arguments.of(transientFailure, failure);
  }

  @ParameterizedTest(name = "[{index}] transient={0}: {1}")
  @MethodSource("failures")
  void classifiesByTheWholeCauseChain(boolean expected, Throwable failure) {
    assertThat(CLASSIFIER.isTransient(failure)).isEqualTo(expected);
    assertThat(CLASSIFIER.isPermanent(failure)).isEqualTo(!expected);
  }

  @Test
  void theDefaultsDoNotKnowTheServicesOwnOutages() {
    assertThat(FailureClassifier.defaults().isTransient(new StoreDown(null))).isFalse();
    assertThat(FailureClassifier.defaults().isTransient(new S3Error(503))).isFalse();
  }

  @Test
  void aCauseCycleEnds() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(CLASSIFIER.isTransient(a)).isFalse();
  }
}
