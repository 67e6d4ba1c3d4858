package io.lethe.bench.unlearning;

/**
 * A reported run produced non-finite losses. Its own type so the benchmark can list the run as
 * failed and go on, without also swallowing unrelated {@link IllegalStateException}s (bugs).
 */
final class MethodDivergedException extends RuntimeException {
  MethodDivergedException(String message, Throwable cause) {
    super(message, cause);
  }
}
