package io.lethe.registry.service;

import io.lethe.api.Problem;
import io.lethe.api.Violation;
import java.util.List;

/**
 * A request the API answers with a problem (RFC 9457) rather than a result: bad input (400), an
 * unknown model, version, alias or object (404), a conflict with the registry's state (409), or an
 * object that failed its hash check (500).
 */
final class ApiException extends RuntimeException {
  private final int status;
  private final String title;
  private final List<Violation> violations;

  ApiException(int status, String title, String detail) {
    this(status, title, detail, null);
  }

  ApiException(int status, String title, String detail, List<Violation> violations) {
    super(detail);
    this.status = status;
    this.title = title;
    this.violations = violations == null ? null : List.copyOf(violations);
  }

  static ApiException badRequest(String path, String message) {
    return new ApiException(
        400, "Bad Request", path + ": " + message, List.of(new Violation(path, message)));
  }

  static ApiException notFound(String detail) {
    return new ApiException(404, "Not Found", detail);
  }

  static ApiException conflict(String detail) {
    return new ApiException(409, "Conflict", detail);
  }

  int status() {
    return status;
  }

  /** The problem body, for the request at {@code instance}. */
  Problem toProblem(String instance) {
    return new Problem(
        "about:blank",
        title,
        status,
        Problems.clip(getMessage()),
        instance,
        violations,
        null,
        null);
  }
}
