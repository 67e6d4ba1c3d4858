package io.lethe.api;

import java.util.List;

/**
 * RFC 9457 problem details ({@code schemas/problem.v1.json}), the body of every HTTP error.
 *
 * @param type URI reference naming the problem type ({@code about:blank} for plain HTTP errors)
 * @param violations contract violations, each with its JSON path; {@code null} when not relevant
 */
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<Violation> violations,
    String requestId,
    String correlationId) {

  /** Problem type of a body that violates its contract. */
  public static final String CONTRACT_VIOLATION_TYPE =
      "https://lethe.dev/problems/contract-violation";

  /** Problem type of a valid body that cannot be acted on (e.g. subjects no model knows). */
  public static final String UNPROCESSABLE_TYPE = "https://lethe.dev/problems/unprocessable";

  /** Most violations listed in one problem (the schema's bound). */
  public static final int MAX_VIOLATIONS = 100;

  /** A 400 for a request body that failed validation; lists every violation. */
  public static Problem badRequest(ContractViolation violation, String instance) {
    List<Violation> listed = violation.violations();
    if (listed.size() > MAX_VIOLATIONS) {
      listed = listed.subList(0, MAX_VIOLATIONS);
    }
    String title =
        violation.contract() == null
            ? "Request body violates its contract"
            : "Request body violates " + violation.contract().tag();
    return new Problem(
        CONTRACT_VIOLATION_TYPE,
        title,
        400,
        violation.reason(8000),
        instance,
        List.copyOf(listed),
        null,
        null);
  }

  /** A 422 for a body that keeps its contract but cannot be acted on; lists the reasons. */
  public static Problem unprocessable(ContractViolation why, String instance) {
    List<Violation> listed = why.violations();
    if (listed.size() > MAX_VIOLATIONS) {
      listed = listed.subList(0, MAX_VIOLATIONS);
    }
    return new Problem(
        UNPROCESSABLE_TYPE,
        "Request cannot be processed",
        422,
        why.reason(8000),
        instance,
        List.copyOf(listed),
        null,
        null);
  }
}
