package io.lethe.registry.service;

import io.lethe.api.AuditEvent;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.RequestState;
import io.lethe.api.UnlearningResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audit entries of the records other services publish: a request's states in the intake's
 * ledger, a worker's result, an evaluator's report. Pure functions; each entry's id is fixed by the
 * record, so a redelivered record maps to the same entry. No subject id is copied: subjects are
 * counted.
 */
final class RecordAudit {
  static final int MAX_TEXT = 2000;

  private RecordAudit() {}

  static AuditEvent of(RequestState s) {
    AuditEvent.Kind kind =
        switch (s.state()) {
          case EMITTING -> AuditEvent.Kind.REQUEST_EMITTING;
          case EMITTED -> AuditEvent.Kind.REQUEST_EMITTED;
          case FAILED -> AuditEvent.Kind.REQUEST_FAILED;
        };
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("subjects", s.request().subjectIds().size());
    data.put("samples", s.request().sampleIds().size());
    data.put("deletionEvents", s.idempotencyKeys().size());
    data.put("method", s.request().method().toString().toLowerCase(Locale.ROOT));
    data.put("baseVersion", s.request().baseVersion());
    data.put("sourceEvents", s.request().sourceEventIds().size());
    data.put("sourceEventIds", wholeIds(s.request().sourceEventIds()));
    if (s.acceptedAt() != null) {
      data.put("acceptedAt", s.acceptedAt().toString());
    }
    if (s.error() != null) {
      data.put("error", clip(s.error()));
    }
    String detail =
        switch (s.state()) {
          case EMITTING -> "recorded by the intake, about to be sent to the workers";
          case EMITTED -> "sent to the workers";
          case FAILED -> "the intake gave up on it: " + s.error();
        };
    return new AuditEvent(
        "ledger:" + s.requestId() + ":" + kind.name().toLowerCase(Locale.ROOT),
        s.updatedAt(),
        kind,
        AuditEvent.SERVICE_ACTOR_PREFIX + "intake",
        List.of(s.requestId()),
        s.request().modelId(),
        null,
        null,
        clip(detail),
        data);
  }

  static AuditEvent of(UnlearningResult r) {
    boolean ok = r.status() == UnlearningResult.Status.SUCCEEDED;
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("parentVersion", r.parentVersion());
    data.put("method", r.method().toString().toLowerCase(Locale.ROOT));
    data.put("seconds", r.seconds());
    if (r.honouredBy() != null) {
      data.put("honouredBy", r.honouredBy().name().toLowerCase(Locale.ROOT));
    }
    if (r.error() != null) {
      data.put("error", clip(r.error()));
    }
    return new AuditEvent(
        "result:"
            + r.requestId()
            + ":"
            + (ok ? "succeeded:v" + r.version() : "failed:" + r.completedAt().toEpochMilli()),
        r.completedAt(),
        ok ? AuditEvent.Kind.UNLEARNING_SUCCEEDED : AuditEvent.Kind.UNLEARNING_FAILED,
        AuditEvent.SERVICE_ACTOR_PREFIX + "worker",
        List.of(r.requestId()),
        r.modelId(),
        ok ? r.version() : null,
        null,
        clip(detail(r)),
        data);
  }

  private static String detail(UnlearningResult r) {
    if (r.status() != UnlearningResult.Status.SUCCEEDED) {
      return "unlearning failed: " + r.error();
    }
    if (!r.madeNewVersion()) {
      return "every subject was already forgotten by v"
          + r.version()
          + ", which honours the request: no new version made";
    }
    return "v" + r.version() + " made from v" + r.parentVersion() + " in " + r.seconds() + " s";
  }

  static AuditEvent of(EvaluationReportMessage e) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("testAccuracy", e.testAccuracy());
    data.put("miaAccuracy", e.mia().accuracy());
    data.put("forgettingScore", e.forgettingScore());
    data.put("nomus", e.nomus());
    data.put("passed", e.passed());
    for (EvaluationReportMessage.Gate g : e.gates()) {
      String key = "gate" + camel(g.name());
      if (key.length() <= 64 && data.size() < 60) {
        data.put(key, g.passed());
      }
    }
    return new AuditEvent(
        "evaluation:" + e.modelId() + ":v" + e.version(),
        e.evaluatedAt(),
        AuditEvent.Kind.EVALUATION_RECORDED,
        AuditEvent.SERVICE_ACTOR_PREFIX + "evaluator",
        List.of(e.requestId()),
        e.modelId(),
        e.version(),
        null,
        "v" + e.version() + (e.passed() ? " passed its gates" : " failed its gates"),
        data);
  }

  /** {@code forgetting_score} → {@code ForgettingScore}; other characters dropped. */
  static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean up = true;
    for (char c : name.toCharArray()) {
      if (Character.isLetterOrDigit(c) && c < 128) {
        out.append(up ? Character.toUpperCase(c) : c);
        up = false;
      } else {
        up = true;
      }
    }
    return out.toString();
  }

  /**
   * The ids comma-separated, as many whole ids as fit {@link #MAX_TEXT}: a request coalesces up to
   * 10,000 events, and a clipped last id would not be an id.
   */
  static String wholeIds(List<String> ids) {
    StringBuilder b = new StringBuilder();
    for (String id : ids) {
      int needed = (b.length() == 0 ? 0 : 1) + id.length();
      if (b.length() + needed > MAX_TEXT) {
        break;
      }
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(id);
    }
    return b.toString();
  }

  static String clip(String s) {
    return Problems.clip(s, MAX_TEXT);
  }
}
