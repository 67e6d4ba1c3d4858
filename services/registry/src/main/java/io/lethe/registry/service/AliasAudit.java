package io.lethe.registry.service;

import io.lethe.api.AuditEvent;
import io.lethe.registry.store.AliasHistory;
import io.lethe.registry.store.AuditLog;
import io.lethe.registry.store.StoreUnavailableException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alias moves into the audit log. Each move's entry in the alias history (write-once, with who,
 * whether forced and why) is the source; its audit entry ({@code alias:{model}:{alias}:{n}}) is
 * written right after the move and, should that fail, by the next erasure sweep ({@link
 * #reconcile}), so a move is never missing from the log. The entry is indexed under the requests of
 * both versions and of every request whose forgetting the move undid. Blocking.
 */
final class AliasAudit {
  private static final Logger LOG = LoggerFactory.getLogger(AliasAudit.class);

  /** How many of an alias's latest moves a sweep re-checks. */
  static final int RECONCILED_MOVES = 20;

  private final AuditLog log;
  // alias key -> moves known to be in the log (from 1): a sweep appends only what follows.
  private final Map<String, Integer> recorded = new ConcurrentHashMap<>();

  AliasAudit(AuditLog log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Appends the latest move of {@code history}; an S3 outage is left to {@link #reconcile}. */
  void recordLatest(AliasHistory history, Lineage lineage) {
    try {
      log.append(event(history, history.entries().size(), lineage));
      // Earlier moves are not known to be recorded (another instance may have made them).
    } catch (StoreUnavailableException e) {
      LOG.warn(
          "{} of {} moved but its audit entry could not be written yet (the next sweep writes it):"
              + " {}",
          history.alias(),
          history.modelId(),
          e.toString());
    }
  }

  /**
   * Appends the moves of {@code history} not yet known to be in the log: after a start, the latest
   * {@value #RECONCILED_MOVES}; then only new ones (idempotent either way).
   */
  void reconcile(AliasHistory history, Lineage lineage) {
    String key = history.modelId() + "\u0000" + history.alias();
    int n = history.entries().size();
    int done = recorded.getOrDefault(key, Math.max(0, n - RECONCILED_MOVES));
    for (int seq = done + 1; seq <= n; seq++) {
      log.append(event(history, seq, lineage));
      recorded.put(key, seq);
    }
  }

  /** The audit entry of move {@code seq} (from 1) of {@code history}. */
  static AuditEvent event(AliasHistory history, int seq, Lineage lineage) {
    AliasHistory.Entry entry = history.entries().get(seq - 1);
    Integer from = seq > 1 ? history.entries().get(seq - 2).version() : null;
    int to = entry.version();
    Set<String> requests = new TreeSet<>(lineage.manifest(to).forgetRequestIds());
    int undone = 0;
    if (from != null) {
      requests.addAll(lineage.manifest(from).forgetRequestIds());
      Set<String> lost = lineage.stillEncoded(to, lineage.forgotten(from));
      undone = lost.size();
      requests.addAll(lineage.requestsForgetting(lost, List.of(from)));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("alias", history.alias());
    if (from != null) {
      data.put("from", from);
    }
    data.put("to", to);
    data.put("forced", entry.wasForced());
    if (entry.reason() != null) {
      data.put("reason", entry.reason());
    }
    data.put("subjectsNoLongerForgotten", undone);
    String action = entry.action() == AliasHistory.Action.PROMOTE ? "promoted" : "rolled back";
    String detail =
        history.alias()
            + (from == null ? "" : " moved from v" + from)
            + " to v"
            + to
            + " ("
            + action
            + (entry.wasForced() ? ", forced" : "")
            + ")"
            + (undone > 0 ? "; " + undone + " forgotten subject(s) are encoded again" : "");
    return new AuditEvent(
        String.format(Locale.ROOT, "alias:%s:%s:%010d", history.modelId(), history.alias(), seq),
        entry.at(),
        entry.action() == AliasHistory.Action.PROMOTE
            ? AuditEvent.Kind.ALIAS_PROMOTED
            : AuditEvent.Kind.ALIAS_ROLLED_BACK,
        entry.actor() == null ? AuditEvent.SERVICE_ACTOR_PREFIX + "registry" : entry.actor(),
        List.copyOf(requests),
        history.modelId(),
        to,
        null,
        detail,
        data);
  }
}
