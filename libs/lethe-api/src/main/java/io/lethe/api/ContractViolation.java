package io.lethe.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A message that breaks its contract, on encode or decode. The message lists every violation with
 * its JSON path; {@link #reason(int)} is the same text bounded for a Kafka header or an HTTP body.
 */
public final class ContractViolation extends RuntimeException {
  private final transient Contract contract;
  private final List<Violation> violations;

  public ContractViolation(Contract contract, List<Violation> violations) {
    this(contract, violations, null);
  }

  public ContractViolation(Contract contract, List<Violation> violations, Throwable cause) {
    super(describe(contract, violations), cause);
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a contract violation needs at least one violation");
    }
    this.contract = contract;
    this.violations = List.copyOf(violations);
  }

  /** The contract broken, or {@code null} when the type has none. */
  public Contract contract() {
    return contract;
  }

  /** Every violation, in the validator's order. */
  public List<Violation> violations() {
    return violations;
  }

  /** {@link #getMessage()} cut to at most {@code maxChars} characters (ending in "…" if cut). */
  public String reason(int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be positive: " + maxChars);
    }
    String message = getMessage();
    return message.length() <= maxChars ? message : message.substring(0, maxChars - 1) + "…";
  }

  private static String describe(Contract contract, List<Violation> violations) {
    String name = contract == null ? "message" : contract.tag();
    return name
        + ": "
        + violations.size()
        + (violations.size() == 1 ? " violation: " : " violations: ")
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }
}
