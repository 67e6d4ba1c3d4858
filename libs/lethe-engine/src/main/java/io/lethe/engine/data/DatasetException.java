package io.lethe.engine.data;

/**
 * A dataset on disk is missing, malformed or inconsistent with its declared format. The message
 * always names the offending file (and line, row or column where there is one) and says what was
 * expected, because the person reading it is usually fixing a download or a manifest by hand.
 */
public final class DatasetException extends RuntimeException {
  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
