package io.lethe.api;

import java.util.Arrays;

/** One versioned schema in {@code schemas/} and the record it describes. */
public enum Contract {
  DELETION_EVENT("deletion-event", 1, DeletionEvent.class),
  FORGET_REQUEST("forget-request", 1, ForgetRequest.class),
  JOB_PROGRESS("job-progress", 1, JobProgress.class),
  UNLEARNING_RESULT("unlearning-result", 1, UnlearningResult.class),
  EVALUATION_REPORT("evaluation-report", 1, EvaluationReportMessage.class),
  MODEL_VERSION_MANIFEST("model-version-manifest", 1, ModelVersionManifest.class),
  PROBLEM("problem", 1, Problem.class),
  ALIAS_UPDATE("alias-update", 1, AliasUpdate.class),
  REQUEST_STATE("request-state", 1, RequestState.class),
  ALIAS_ROLLBACK("alias-rollback", 1, AliasRollback.class),
  AUDIT_EVENT("audit-event", 1, AuditEvent.class),
  COMPLIANCE_REPORT("compliance-report", 1, ComplianceReport.class),
  PURGE_ORDER("purge-order", 1, PurgeOrder.class);

  /** Base of every schema's {@code $id}. */
  public static final String ID_BASE = "https://lethe.dev/schemas/";

  private final String name;
  private final int version;
  private final Class<? extends Record> type;

  Contract(String name, int version, Class<? extends Record> type) {
    this.name = name;
    this.version = version;
    this.type = type;
  }

  /** E.g. {@code forget-request.v1}: the value of the {@link Headers#SCHEMA} header. */
  public String tag() {
    return name + ".v" + version;
  }

  /** E.g. {@code forget-request.v1.json}. */
  public String fileName() {
    return tag() + ".json";
  }

  /** The schema's {@code $id}. */
  public String id() {
    return ID_BASE + fileName();
  }

  public int version() {
    return version;
  }

  public Class<? extends Record> type() {
    return type;
  }

  /** The contract of a record type. */
  public static Contract of(Class<?> type) {
    return Arrays.stream(values())
        .filter(c -> c.type == type)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no contract for " + type.getName()));
  }

  /** The contract named by a {@link Headers#SCHEMA} header value. */
  public static Contract ofTag(String tag) {
    return Arrays.stream(values())
        .filter(c -> c.tag().equals(tag))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown schema: " + tag));
  }
}
