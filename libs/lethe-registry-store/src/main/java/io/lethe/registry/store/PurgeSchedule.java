package io.lethe.registry.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import io.minio.MinioClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When superseded model versions that still encode forgotten subjects are due to be purged: one
 * write-once object per version, {@code purge-schedule/{modelId}/v{n}.json}. The first scheduler
 * wins ({@code If-None-Match: *}), so the due time of a version never moves, across restarts and
 * registry replicas. Blocking; thread-safe.
 */
public final class PurgeSchedule {
  private static final String ROOT = "purge-schedule/";

  /**
   * A version's scheduled purge.
   *
   * @param reason a sentence for the audit log (no subject id)
   */
  public record Entry(
      String modelId, int version, Instant scheduledAt, Instant dueAt, String reason) {
    @JsonCreator
    public Entry(
        @JsonProperty("modelId") String modelId,
        @JsonProperty("version") int version,
        @JsonProperty("scheduledAt") Instant scheduledAt,
        @JsonProperty("dueAt") Instant dueAt,
        @JsonProperty("reason") String reason) {
      this.modelId = ModelKeys.requireName(modelId, "modelId");
      this.version = ModelKeys.requireVersion(version);
      this.scheduledAt = Objects.requireNonNull(scheduledAt, "scheduledAt");
      this.dueAt = Objects.requireNonNull(dueAt, "dueAt");
      this.reason = Objects.requireNonNull(reason, "reason");
    }
  }

  private final Bucket bucket;
  private final ObjectMapper mapper = MessageCodec.newObjectMapper();

  public PurgeSchedule(S3Settings settings) {
    this(settings.newClient(), settings.bucket());
  }

  public PurgeSchedule(MinioClient client, String bucket) {
    this.bucket = new Bucket(client, bucket);
    this.bucket.ensureExists();
  }

  /**
   * Schedules {@code entry} unless its version is already scheduled.
   *
   * @return the entry in effect: {@code entry}, or the earlier one
   */
  public Entry schedule(Entry entry) {
    String key = key(entry.modelId(), entry.version());
    if (bucket.putIfAbsent(key, encode(entry), ModelStore.JSON)) {
      return entry;
    }
    return get(entry.modelId(), entry.version())
        .orElseThrow(() -> new StoreException("purge schedule " + key + " vanished"));
  }

  /** The version's scheduled purge, if any. */
  public Optional<Entry> get(String modelId, int version) {
    return bucket.get(key(modelId, version)).map(this::decode);
  }

  private static String key(String modelId, int version) {
    return ROOT + ModelKeys.requireName(modelId, "modelId") + "/v" + version + ".json";
  }

  private byte[] encode(Entry e) {
    try {
      return mapper.writeValueAsBytes(e);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private Entry decode(byte[] bytes) {
    try {
      return mapper.readValue(bytes, Entry.class);
    } catch (IOException ex) {
      throw new CorruptObjectException("unreadable purge schedule entry: " + ex.getMessage());
    }
  }
}
