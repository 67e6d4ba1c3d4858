package io.lethe.service.kafka;

import io.lethe.api.ContractViolation;
import io.lethe.api.Violation;
import java.util.Locale;

/**
 * Why a record was dead-lettered, as a small fixed set fit for a metric tag ({@code reason}): the
 * full text (with JSON paths and values) goes into the {@code lethe-dlq-reason} header instead,
 * where unbounded cardinality does no harm.
 */
public enum DeadLetterReason {
  /** No bytes at all (a tombstone or an empty value). */
  EMPTY,
  /** Over the codec's size limit. */
  TOO_LARGE,
  /** Bytes that do not parse as JSON. */
  NOT_JSON,
  /** Valid JSON that breaks the record's JSON Schema. */
  SCHEMA,
  /** A valid record its handler can never process ({@link UnprocessableRecord}). */
  UNPROCESSABLE,
  /** A valid record whose handler failed permanently (see {@code FailureClassifier}). */
  FAILED,
  /** A valid record whose handler kept failing transiently for longer than the retry budget. */
  GAVE_UP;

  /** The tag value: lower-case, e.g. {@code not_json}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Classifies a decode failure of {@code io.lethe.api.MessageCodec}. */
  public static DeadLetterReason of(ContractViolation violation) {
    if (violation.violations().size() == 1) {
      Violation only = violation.violations().get(0);
      if (only.path().equals("$")) {
        String message = only.message();
        if (message.startsWith("empty message")) {
          return EMPTY;
        }
        if (message.startsWith("not valid JSON") || message.startsWith("unreadable")) {
          return NOT_JSON;
        }
        if (message.startsWith("message is ") && message.contains("the limit is")) {
          return TOO_LARGE;
        }
      }
    }
    return SCHEMA;
  }
}
