package io.lethe.registry.store;

import io.lethe.api.AuditEvent;
import io.lethe.api.MessageCodec;
import io.minio.MinioClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry's append-only audit log, as write-once S3 objects ({@code If-None-Match: *}): an
 * entry is never rewritten or deleted by Lethe. Each {@link AuditEvent} is stored once in time
 * order and indexed by each request it concerns and by its model:
 *
 * <pre>
 * audit/log/{yyyy-MM-dd}/{epoch millis, 13 digits}-{eventId}.json    every entry
 * audit/requests/{requestId}/{epoch millis}-{eventId}.json          the same entry, per request
 * audit/models/{modelId}/{epoch millis}-{eventId}.json              the same entry, per model
 * </pre>
 *
 * <p>Keys are derived from the entry ({@code at} and {@code eventId}, both fixed by what happened),
 * so appending an entry again, after a redelivery or a crash between two of its writes, completes
 * the missing copies and duplicates nothing. Entries are validated against audit-event.v1 on the
 * way in and out. Blocking; thread-safe.
 */
public final class AuditLog {
  static final String ROOT = "audit/";
  private static final String LOG = ROOT + "log/";
  private static final String REQUESTS = ROOT + "requests/";
  private static final String MODELS = ROOT + "models/";

  private final Bucket bucket;
  private final MessageCodec codec;

  /** The log in {@code settings.bucket()}, created if missing. */
  public AuditLog(S3Settings settings) {
    this(settings.newClient(), settings.bucket());
  }

  /** The log in {@code bucket}, created if missing. */
  public AuditLog(MinioClient client, String bucket) {
    this.bucket = new Bucket(client, bucket);
    this.codec = new MessageCodec();
    this.bucket.ensureExists();
  }

  /**
   * Appends {@code event} (idempotent).
   *
   * @return true if it was new, false if it was already in the log (its indexes are completed)
   * @throws io.lethe.api.ContractViolation if it breaks audit-event.v1 (nothing is written)
   * @throws StoreUnavailableException if S3 is unreachable
   */
  public boolean append(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    byte[] bytes = codec.encode(event);
    String name = name(event);
    boolean added = bucket.putIfAbsent(LOG + day(event.at()) + "/" + name, bytes, ModelStore.JSON);
    for (String requestId : event.requestIds()) {
      bucket.putIfAbsent(REQUESTS + requestId + "/" + name, bytes, ModelStore.JSON);
    }
    if (event.modelId() != null) {
      bucket.putIfAbsent(MODELS + event.modelId() + "/" + name, bytes, ModelStore.JSON);
    }
    return added;
  }

  /** Every entry concerning {@code requestId}, oldest first (empty if none). */
  public List<AuditEvent> forRequest(String requestId) {
    return read(REQUESTS + Objects.requireNonNull(requestId, "requestId") + "/");
  }

  /** Every entry concerning {@code modelId}, oldest first. */
  public List<AuditEvent> forModel(String modelId) {
    return read(MODELS + ModelKeys.requireName(modelId, "modelId") + "/");
  }

  /** The entry concerning {@code requestId} with this id, if it was appended. */
  public Optional<AuditEvent> find(String requestId, String eventId) {
    return forRequest(requestId).stream().filter(e -> e.eventId().equals(eventId)).findFirst();
  }

  private List<AuditEvent> read(String prefix) {
    List<AuditEvent> events = new ArrayList<>();
    for (String key : bucket.keys(prefix)) {
      bucket.get(key).ifPresent(b -> events.add(codec.decode(b, AuditEvent.class)));
    }
    events.sort(Comparator.comparing(AuditEvent::at).thenComparing(AuditEvent::eventId));
    return events;
  }

  private static String name(AuditEvent event) {
    return String.format(Locale.ROOT, "%013d", event.at().toEpochMilli())
        + "-"
        + event.eventId()
        + ".json";
  }

  private static String day(Instant at) {
    return at.toString().substring(0, 10);
  }
}
