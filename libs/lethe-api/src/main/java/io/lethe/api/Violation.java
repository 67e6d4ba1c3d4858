package io.lethe.api;

/**
 * One way a message breaks its contract.
 *
 * @param path JSON path of the offending value, e.g. {@code $.subjectIds[0]} ({@code $} for the
 *     whole document, e.g. a missing required property)
 * @param message what is wrong, in words
 */
public record Violation(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
