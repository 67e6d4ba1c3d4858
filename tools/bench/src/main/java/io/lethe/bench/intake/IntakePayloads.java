package io.lethe.bench.intake;

import java.nio.charset.StandardCharsets;

/**
 * What the intake benchmark sends and serves: deletion events (one subject each, cycling over the
 * model's subjects) and the JSON model catalog of its one model.
 */
final class IntakePayloads {
  static final String MODEL = "bench-model";
  private static final String SHA = "sha256:" + "b".repeat(64);

  private final int subjects;

  IntakePayloads(int subjects) {
    this.subjects = subjects;
  }

  /** Deletion event {@code e-<i>} for the intake's Kafka topic. */
  byte[] event(String key, int i) {
    return ("{\"eventId\":\"e-"
            + i
            + "\",\"idempotencyKey\":\""
            + key
            + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"source\":\"bench\",\"subjectIds\":[\"s-"
            + (i % subjects)
            + "\"]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Deletion {@code h-<i>} for {@code POST /v1/deletions}. */
  String httpEvent(String run, int i) {
    return "{\"eventId\":\"h-"
        + i
        + "\",\"idempotencyKey\":\"h-"
        + run
        + "-"
        + i
        + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"source\":\"bench\","
        + "\"subjectIds\":[\"s-"
        + (i % subjects)
        + "\"]}";
  }

  /** The catalog: one model on one dataset of {@code subjects} subjects, one image each. */
  String catalogJson() {
    StringBuilder b = new StringBuilder();
    b.append("{\"models\": {\"")
        .append(MODEL)
        .append("\": {\"baseVersion\": 1, \"datasetId\": \"d\"}}, \"datasets\": {\"d\": {")
        .append("\"version\": \"")
        .append(SHA)
        .append("\", \"subjects\": {");
    for (int s = 0; s < subjects; s++) {
      b.append(s == 0 ? "" : ",").append("\"s-").append(s).append("\": [\"d/").append(s);
      b.append(".png\"]");
    }
    return b.append("}}}}").toString();
  }
}
