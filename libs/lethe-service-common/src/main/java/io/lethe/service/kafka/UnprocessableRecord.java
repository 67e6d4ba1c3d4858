package io.lethe.service.kafka;

import io.lethe.api.Contract;
import io.lethe.api.ContractViolation;
import io.lethe.api.Violation;
import java.util.List;

/**
 * A handler's verdict that a record keeps its contract but can never be processed (e.g. a deletion
 * event naming only subjects no model was trained on). A handler fails its future with this and the
 * {@link ContractConsumer} dead-letters the record, with {@link DeadLetterReason#UNPROCESSABLE} and
 * the violations in {@code lethe-dlq-reason}, instead of retrying it forever: retrying would fail
 * the same way and block the partition.
 */
public final class UnprocessableRecord extends RuntimeException {
  private final transient ContractViolation violation;

  /**
   * @param contract the record's contract
   * @param violations why it cannot be processed, each with the JSON path of the offending value
   */
  public UnprocessableRecord(Contract contract, List<Violation> violations) {
    this(new ContractViolation(contract, violations));
  }

  private UnprocessableRecord(ContractViolation violation) {
    super(violation.getMessage(), null, false, false);
    this.violation = violation;
  }

  /** The violations, as the dead letter and its listeners see them. */
  public ContractViolation violation() {
    return violation;
  }
}
