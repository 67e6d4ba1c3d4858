package io.lethe.registry.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.ContractViolation;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.ModelVersionManifest;
import io.lethe.api.ModelVersionManifest.Metrics;
import io.lethe.api.ModelVersionManifest.StoredObject;
import io.lethe.format.checkpoint.Checkpoint;
import io.lethe.format.checkpoint.CheckpointException;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.checkpoint.Sha256;
import io.minio.MinioClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Model versions in S3: checkpoints with a {@link ModelVersionManifest} each, their evaluations,
 * and aliases such as {@code production}. The layout is in {@link ModelKeys}.
 *
 * <p><b>Atomic versions.</b> {@link #putVersion} takes the next version number with a conditional
 * write of {@code v{n}/claim.json} ({@code If-None-Match: *}: of two concurrent writers exactly one
 * gets each number; the loser moves on to {@code n+1}), uploads {@code parameters.bin} and {@code
 * checkpoint.json}, reads each back and checks its size and SHA-256 against the bytes it meant to
 * write, and only then writes {@code manifest.json}. A version is visible (listed, readable,
 * promotable) exactly when its manifest exists, so a writer that crashes midway leaves an invisible
 * version whose number is never reused.
 *
 * <p><b>Reads never trust S3.</b> {@link #parameters} and {@link #load} re-hash every object they
 * return against the manifest and throw {@link CorruptObjectException} on a mismatch.
 *
 * <p><b>Evaluations</b> are a separate, write-once object ({@code evaluation.json}, an {@link
 * EvaluationReportMessage}) so that {@code manifest.json} is never rewritten after it made the
 * version visible; {@link #manifest} returns the manifest with {@code metrics} filled in from it.
 *
 * <p><b>Aliases</b> keep their whole history as an append-only sequence of write-once entries
 * ({@code aliases/{alias}/{n}.json}, each written with {@code If-None-Match: *}); a move that loses
 * a race to another writer, in this or another process, re-reads, re-validates and writes the next
 * entry, so no acknowledged move is lost (details and costs in {@link AliasLog}).
 *
 * <p><b>Honoured requests.</b> A forget request whose subjects the newest version had all forgotten
 * already (made for earlier requests) gets no version of its own: {@link #recordHonouredBy} writes
 * a write-once record ({@code honoured/{requestId}.json}, {@link HonouredRequest}) naming the
 * version that honours it, so lineage questions ("which requests does this version honour?") and a
 * redelivered request find the answer in the store, like a version's {@code forgetRequestIds}.
 *
 * <p><b>Purged versions</b> ({@link #purge}) keep their manifest, evaluation and claim, so lineage
 * stays readable, but lose their parameters and checkpoint for good: reading them throws {@link
 * PurgedException}, and no alias can be moved to them.
 *
 * <p>Thread-safe.
 */
public final class ModelStore {
  static final String JSON = "application/json";
  static final String BINARY = "application/octet-stream";
  static final String TEXT = "text/plain";
  private static final int MAX_CLAIM_ATTEMPTS = 64;

  /** Lost races a single alias move tolerates before giving up (each loss = another's success). */
  static final int MAX_MOVE_ATTEMPTS = 64;

  private final Bucket bucket;
  private final MessageCodec codec;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final UploadListener uploadListener;
  private final AliasLog aliases;
  private final ModelPurge purges;
  private final HonouredRequests honoured;

  /** A store in {@code settings.bucket()}, created if missing. */
  public ModelStore(S3Settings settings) {
    this(builder(settings.newClient(), settings.bucket()));
  }

  /** A store in {@code bucket}, created if missing. */
  public ModelStore(MinioClient client, String bucket) {
    this(builder(client, bucket));
  }

  private ModelStore(Builder b) {
    this.bucket = new Bucket(b.client, b.bucket);
    this.codec = b.codec;
    this.mapper = MessageCodec.newObjectMapper();
    this.clock = b.clock;
    this.uploadListener = b.uploadListener;
    this.aliases = new AliasLog(bucket, mapper);
    this.purges = new ModelPurge(bucket, mapper, clock);
    this.honoured = new HonouredRequests(bucket, mapper, clock);
    bucket.ensureExists();
  }

  public static Builder builder(MinioClient client, String bucket) {
    return new Builder(client, bucket);
  }

  /** A builder for a store in {@code settings.bucket()}. */
  public static Builder builder(S3Settings settings) {
    return new Builder(settings.newClient(), settings.bucket());
  }

  /** The bucket this store writes to. */
  public String bucket() {
    return bucket.name();
  }

  /**
   * Stores a new version of {@code modelId} and makes it visible; see the class comment for the
   * protocol.
   *
   * @return the manifest written, with the version number allocated
   * @throws NotFoundException if {@code v}'s parent version is not a visible version
   * @throws ContractViolation if the manifest would break its schema (nothing is written)
   * @throws CorruptObjectException if an uploaded object does not read back as written
   */
  public ModelVersionManifest putVersion(String modelId, NewVersion v) {
    ModelKeys.requireName(modelId, "modelId");
    Objects.requireNonNull(v, "version");
    if (v.parentVersion() != null && !isVisible(modelId, v.parentVersion())) {
      throw new NotFoundException(
          "parent version v"
              + v.parentVersion()
              + " of model "
              + modelId
              + " is not a visible version; store the parent first");
    }
    byte[] parameters = v.parameterBytes();
    byte[] checkpoint = v.checkpointBytes();
    List<StoredObject> objects =
        List.of(
            new StoredObject(ModelKeys.PARAMETERS, Sha256.of(parameters), parameters.length),
            new StoredObject(ModelKeys.CHECKPOINT, Sha256.of(checkpoint), checkpoint.length));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    codec.encode(manifestOf(modelId, 1, v, objects, now)); // fail before taking a number

    int version = claimVersion(modelId, now);
    ModelVersionManifest manifest = manifestOf(modelId, version, v, objects, now);
    byte[] manifestBytes = codec.encode(manifest);
    long uploadStart = System.nanoTime();
    uploadVerified(ModelKeys.object(modelId, version, ModelKeys.PARAMETERS), parameters, BINARY);
    uploadVerified(ModelKeys.object(modelId, version, ModelKeys.CHECKPOINT), checkpoint, JSON);
    for (String requestId : v.forgetRequestIds()) {
      bucket.put(
          ModelKeys.madeFor(modelId, requestId),
          Integer.toString(version).getBytes(StandardCharsets.US_ASCII),
          TEXT);
    }
    String manifestKey = ModelKeys.object(modelId, version, ModelKeys.MANIFEST);
    if (!bucket.putIfAbsent(manifestKey, manifestBytes, JSON)) {
      throw new StoreException(
          where(manifestKey)
              + " already exists although this writer claimed v"
              + version
              + ": another writer ignored the claim protocol");
    }
    uploadListener.uploaded(
        modelId,
        version,
        (long) parameters.length + checkpoint.length,
        Duration.ofNanos(System.nanoTime() - uploadStart));
    return manifest;
  }

  /**
   * Erases what writers that died mid-upload left behind: the objects of every version of {@code
   * modelId} that was claimed before {@code claimedBefore} and never made visible (no manifest).
   * Those objects are model parameters, which encode their training data: left lying around they
   * would outlive the deletion they were made for. The claim stays, rewritten as {@code abandoned},
   * so the number is never taken again; a writer still uploading after that long (the grace the
   * caller chooses; an upload takes seconds to minutes) would find its version unreadable, which is
   * why the grace must be generous.
   *
   * @return the version numbers swept, ascending
   */
  public List<Integer> sweepAbandoned(String modelId, Instant claimedBefore) {
    ModelKeys.requireName(modelId, "modelId");
    Objects.requireNonNull(claimedBefore, "claimedBefore");
    Map<Integer, List<String>> byVersion = new TreeMap<>();
    for (String key : bucket.keys(ModelKeys.modelPrefix(modelId))) {
      ModelKeys.version(key)
          .ifPresent(v -> byVersion.computeIfAbsent(v, n -> new ArrayList<>()).add(key));
    }
    List<Integer> swept = new ArrayList<>();
    for (Map.Entry<Integer, List<String>> e : byVersion.entrySet()) {
      int version = e.getKey();
      List<String> keys = e.getValue();
      String claimKey = ModelKeys.object(modelId, version, ModelKeys.CLAIM);
      if (keys.stream().anyMatch(ModelKeys::isManifest)
          || keys.stream().allMatch(k -> k.equals(claimKey))) {
        continue; // visible, or nothing but its claim is left
      }
      Optional<Instant> claimedAt = claimedAt(claimKey);
      if (claimedAt.isPresent() && !claimedAt.get().isBefore(claimedBefore)) {
        continue; // its writer may still be uploading
      }
      Map<String, Object> abandoned = new LinkedHashMap<>();
      abandoned.put("modelId", modelId);
      abandoned.put("version", version);
      abandoned.put("abandoned", true);
      abandoned.put("sweptAt", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
      claimedAt.ifPresent(t -> abandoned.put("claimedAt", t.toString()));
      try {
        bucket.put(claimKey, mapper.writeValueAsBytes(abandoned), JSON);
      } catch (IOException ex) {
        throw new StoreException("could not serialise an abandoned claim: " + ex, ex);
      }
      for (String key : keys) {
        if (!key.equals(claimKey)) {
          bucket.remove(key);
        }
      }
      swept.add(version);
    }
    return swept;
  }

  private Optional<Instant> claimedAt(String claimKey) {
    Optional<byte[]> bytes = bucket.get(claimKey);
    if (bytes.isEmpty()) {
      return Optional.empty(); // objects without a claim: nobody can be writing them
    }
    try {
      String text = mapper.readTree(bytes.get()).path("claimedAt").asText("");
      return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (IOException | java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Deletes a visible version's parameters, checkpoint and every other object except {@code
   * manifest.json} (its lineage stays visible), {@code evaluation.json} and {@code claim.json}.
   * Crash-safe: the write-once marker {@code purged.json} is written first ({@code If-None-Match:
   * *}), then the objects are deleted; from the marker on, {@link #parameters}, {@link
   * #checkpointJson} and {@link #load} throw {@link PurgedException} and no alias can be moved to
   * the version. Idempotent: a repeated call (or one after a crash between marker and deletes)
   * deletes what is left and returns the stored record (the first call's reason and actor), with
   * any object deleted now that the stored record does not list appended. Aliases already pointing
   * at the version are not moved: choose their new target first.
   *
   * @param reason why (kept in the record; no subject ids)
   * @param actor who asked
   * @throws NotFoundException if the version is not visible
   * @throws IllegalArgumentException if {@code reason} or {@code actor} is blank
   */
  public PurgeRecord purge(String modelId, int version, String reason, String actor) {
    storedManifest(modelId, version);
    return purges.purge(modelId, version, reason, actor);
  }

  /** The purge record of a version, if it was purged (also for a version that is not visible). */
  public Optional<PurgeRecord> purged(String modelId, int version) {
    ModelKeys.requireName(modelId, "modelId");
    ModelKeys.requireVersion(version);
    return purges.purged(modelId, version);
  }

  /**
   * Records that the visible {@code version} honours {@code requestId}, which got no version of its
   * own because {@code version} had already forgotten every subject it names. Write-once and
   * idempotent: if the request already has a record (a redelivery, or a racing writer), that record
   * stands and is returned, whatever version it names.
   *
   * @return the stored record
   * @throws NotFoundException if the version is not visible
   * @throws IllegalArgumentException if {@code requestId} is not a contract id
   */
  public HonouredRequest recordHonouredBy(String modelId, String requestId, int version) {
    ModelKeys.requireId(requestId, "requestId");
    storedManifest(modelId, version);
    return honoured.record(modelId, requestId, version);
  }

  /**
   * The visible version stored for {@code requestId} ({@link NewVersion#forgetRequestIds}), if any:
   * one read of the number {@link #putVersion} wrote before making the version visible, then that
   * version's manifest, whatever the number of versions. A number whose version never became
   * visible (the writer died, or a later writer for the same request took another number) is not an
   * answer.
   */
  public Optional<ModelVersionManifest> versionMadeFor(String modelId, String requestId) {
    ModelKeys.requireName(modelId, "modelId");
    String key = ModelKeys.madeFor(modelId, requestId);
    Optional<byte[]> stored = bucket.get(key);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    int version;
    try {
      version = Integer.parseInt(new String(stored.get(), StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      throw new CorruptObjectException(where(key) + " does not hold a version number");
    }
    if (!isVisible(modelId, version)) {
      return Optional.empty();
    }
    ModelVersionManifest m = storedManifest(modelId, version);
    return m.forgetRequestIds().contains(requestId) ? Optional.of(m) : Optional.empty();
  }

  /** The version recorded as honouring {@code requestId} by {@link #recordHonouredBy}, if any. */
  public Optional<HonouredRequest> honouredBy(String modelId, String requestId) {
    ModelKeys.requireName(modelId, "modelId");
    ModelKeys.requireId(requestId, "requestId");
    return honoured.read(modelId, requestId);
  }

  /** Every request of {@code modelId} recorded by {@link #recordHonouredBy}. */
  public List<HonouredRequest> honouredRequests(String modelId) {
    ModelKeys.requireName(modelId, "modelId");
    return honoured.all(modelId);
  }

  /** Every model with at least one visible version, sorted. */
  public List<String> models() {
    return bucket.keys(ModelKeys.ROOT).stream()
        .filter(ModelKeys::isManifest)
        .map(k -> k.substring(ModelKeys.ROOT.length(), k.indexOf('/', ModelKeys.ROOT.length())))
        .distinct()
        .sorted()
        .toList();
  }

  /** The visible versions of {@code modelId}, ascending; empty for an unknown model. */
  public List<Integer> versions(String modelId) {
    ModelKeys.requireName(modelId, "modelId");
    return bucket.keys(ModelKeys.modelPrefix(modelId)).stream()
        .filter(ModelKeys::isManifest)
        .map(k -> ModelKeys.version(k).getAsInt())
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * The manifest of a visible version, with {@code metrics} from its evaluation if it has one.
   *
   * @throws NotFoundException if the version is not visible
   */
  public ModelVersionManifest manifest(String modelId, int version) {
    ModelVersionManifest stored = storedManifest(modelId, version);
    return evaluation(modelId, version).map(report -> withMetrics(stored, report)).orElse(stored);
  }

  /**
   * The parameter bytes of a visible version, verified against its manifest.
   *
   * @throws CorruptObjectException if they do not match the manifest's SHA-256 and size
   * @throws PurgedException if the version was purged
   */
  public byte[] parameters(String modelId, int version) {
    ModelVersionManifest m = readableManifest(modelId, version);
    return readVerified(m, ModelKeys.PARAMETERS);
  }

  /**
   * The engine checkpoint manifest JSON of a visible version, verified against its manifest. With
   * {@link #parameters} it rebuilds the checkpoint directory that the engine's lineage operations
   * (unlearn, retrain) start from, keeping the parent's checkpoint id and hashes intact.
   *
   * @throws CorruptObjectException if it does not match the manifest's SHA-256 and size
   * @throws PurgedException if the version was purged
   */
  public String checkpointJson(String modelId, int version) {
    ModelVersionManifest m = readableManifest(modelId, version);
    return new String(readVerified(m, ModelKeys.CHECKPOINT), StandardCharsets.UTF_8);
  }

  /**
   * The checkpoint of a visible version in memory: one read of its manifest, then its checkpoint
   * manifest and parameters, each verified against it, and the parameters once more against the
   * checkpoint manifest. The engine restores a model from it ({@code Checkpoints.restore}).
   *
   * @throws CorruptObjectException if an object does not match the manifest
   * @throws CheckpointException if the checkpoint manifest is malformed or does not describe the
   *     parameters
   * @throws PurgedException if the version was purged
   */
  public StoredCheckpoint checkpoint(String modelId, int version) {
    ModelVersionManifest m = readableManifest(modelId, version);
    byte[] checkpointJson = readVerified(m, ModelKeys.CHECKPOINT);
    CheckpointManifest checkpoint =
        CheckpointManifest.fromJson(new String(checkpointJson, StandardCharsets.UTF_8));
    return new StoredCheckpoint(
        m, new Checkpoint(checkpoint, readVerified(m, ModelKeys.PARAMETERS)));
  }

  /**
   * Records the evaluation of a visible version (write-once; repeating the identical report is a
   * no-op, so a redelivered evaluator message is harmless).
   *
   * @return the version's manifest with the report's metrics
   * @throws NotFoundException if the version is not visible
   * @throws StoreException if the version already has a different evaluation
   */
  public ModelVersionManifest attachEvaluation(EvaluationReportMessage report) {
    Objects.requireNonNull(report, "report");
    ModelVersionManifest stored = storedManifest(report.modelId(), report.version());
    byte[] bytes = codec.encode(report);
    String key = ModelKeys.object(report.modelId(), report.version(), ModelKeys.EVALUATION);
    if (!bucket.putIfAbsent(key, bytes, JSON)) {
      EvaluationReportMessage existing = evaluation(report.modelId(), report.version()).get();
      if (!existing.equals(report)) {
        throw new StoreException(
            "model "
                + report.modelId()
                + " v"
                + report.version()
                + " is already evaluated (request "
                + existing.requestId()
                + ", "
                + existing.evaluatedAt()
                + "); evaluations are write-once, so store a new version to re-evaluate");
      }
    }
    return withMetrics(stored, report);
  }

  /** The evaluation of a version, if it has one. */
  public Optional<EvaluationReportMessage> evaluation(String modelId, int version) {
    String key = ModelKeys.object(modelId, version, ModelKeys.EVALUATION);
    return bucket.get(key).map(bytes -> decode(key, bytes, EvaluationReportMessage.class));
  }

  /**
   * Points {@code alias} of {@code modelId} at a visible {@code version}. Promoting the current
   * target again changes nothing. Atomic across processes (see {@link AliasLog}): a move racing
   * another one is re-applied on top of it, never lost.
   *
   * @return the alias history after the move
   * @throws NotFoundException if the version is not visible
   * @throws PurgedException if the version was purged
   * @throws StoreUnavailableException if S3 is unreachable, or the move lost {@value
   *     #MAX_MOVE_ATTEMPTS} races in a row (retry later)
   */
  public AliasHistory promote(String modelId, String alias, int version) {
    return promoteIf(modelId, alias, version, history -> true).orElseThrow();
  }

  /**
   * Points {@code alias} at a visible {@code version} if {@code condition} accepts the alias's
   * history (empty if it was never set) as it is just before the write. The condition is asked
   * again with the newer history each time another writer moved the alias first, so a decision is
   * never applied to a history it was not made on (automatic promotion: "newer than the current
   * target, never promoted before").
   *
   * @return the history after the move (unchanged if the alias already pointed at {@code version}),
   *     or empty if {@code condition} refused
   * @throws NotFoundException if the version is not visible
   * @throws PurgedException if the version was purged (checked once, before the move: a purge
   *     racing the move may still land after it)
   * @throws StoreUnavailableException if S3 is unreachable, or the move lost {@value
   *     #MAX_MOVE_ATTEMPTS} races in a row
   */
  public Optional<AliasHistory> promoteIf(
      String modelId, String alias, int version, Predicate<Optional<AliasHistory>> condition) {
    return promoteIf(modelId, alias, version, AliasHistory.Note.service("registry"), condition);
  }

  /**
   * Like {@link #promoteIf(String, String, int, Predicate)}, recording {@code note} (who, forced,
   * why) in the move's entry. {@code condition} may also refuse by throwing.
   */
  public Optional<AliasHistory> promoteIf(
      String modelId,
      String alias,
      int version,
      AliasHistory.Note note,
      Predicate<Optional<AliasHistory>> condition) {
    Objects.requireNonNull(note, "note");
    ModelKeys.requireName(alias, "alias");
    Objects.requireNonNull(condition, "condition");
    storedManifest(modelId, version); // versions never become invisible: checked once
    purges.requireNotPurged(modelId, version);
    for (int attempt = 0; attempt < MAX_MOVE_ATTEMPTS; attempt++) {
      AliasLog.Head head = aliases.read(modelId, alias);
      Optional<AliasHistory> history = head.history();
      if (!condition.test(history)) {
        return Optional.empty();
      }
      if (history.isPresent() && history.get().current() == version) {
        return history;
      }
      AliasHistory.Entry entry =
          new AliasHistory.Entry(version, clock.instant(), AliasHistory.Action.PROMOTE, note);
      AliasHistory next =
          history
              .map(h -> h.with(entry))
              .orElseGet(() -> new AliasHistory(modelId, alias, List.of(entry)));
      if (aliases.append(head, next)) {
        return Optional.of(next);
      }
    }
    throw tooManyRaces(modelId, alias);
  }

  /**
   * Points {@code alias} back at the target it had before its latest promotion still in effect (see
   * {@link AliasHistory#rollbackStack()}). Atomic across processes like {@link #promote}: after a
   * lost race the target is computed again from the newer history.
   *
   * @return the alias history after the move
   * @throws NotFoundException if the alias does not exist
   * @throws IllegalStateException if there is no earlier target to go back to
   * @throws PurgedException if the earlier target was purged (the alias is not moved)
   */
  public AliasHistory rollback(String modelId, String alias) {
    return rollback(modelId, alias, AliasHistory.Note.service("registry"), (history, target) -> {});
  }

  /**
   * Like {@link #rollback(String, String)}, recording {@code note} in the move's entry, but asks
   * {@code check} first, with the history and the target it computed, and again after every race
   * lost to another writer; {@code check} refuses by throwing, and nothing is written.
   */
  public AliasHistory rollback(
      String modelId,
      String alias,
      AliasHistory.Note note,
      BiConsumer<AliasHistory, Integer> check) {
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(check, "check");
    ModelKeys.requireName(modelId, "modelId");
    ModelKeys.requireName(alias, "alias");
    for (int attempt = 0; attempt < MAX_MOVE_ATTEMPTS; attempt++) {
      AliasLog.Head head = aliases.read(modelId, alias);
      AliasHistory history = head.history().orElseThrow(() -> noAlias(modelId, alias));
      List<Integer> stack = history.rollbackStack();
      if (stack.size() < 2) {
        throw new IllegalStateException(
            "alias "
                + alias
                + " of model "
                + modelId
                + " has no earlier target to roll back to (it points at v"
                + history.current()
                + " since its first promotion)");
      }
      int target = stack.get(stack.size() - 2);
      storedManifest(modelId, target);
      purges.requireNotPurged(modelId, target);
      check.accept(history, target);
      AliasHistory next =
          history.with(
              new AliasHistory.Entry(target, clock.instant(), AliasHistory.Action.ROLLBACK, note));
      if (aliases.append(head, next)) {
        return next;
      }
    }
    throw tooManyRaces(modelId, alias);
  }

  /**
   * The version {@code alias} points at.
   *
   * @throws NotFoundException if the alias does not exist
   */
  public int resolve(String modelId, String alias) {
    return aliasHistory(modelId, alias).orElseThrow(() -> noAlias(modelId, alias)).current();
  }

  /** The history of {@code alias}, if it was ever promoted. */
  public Optional<AliasHistory> aliasHistory(String modelId, String alias) {
    ModelKeys.requireName(modelId, "modelId");
    ModelKeys.requireName(alias, "alias");
    return aliases.read(modelId, alias).history();
  }

  private static NotFoundException noAlias(String modelId, String alias) {
    return new NotFoundException(
        "model " + modelId + " has no alias '" + alias + "'; promote a version first");
  }

  private static StoreUnavailableException tooManyRaces(String modelId, String alias) {
    return new StoreUnavailableException(
        "alias "
            + alias
            + " of model "
            + modelId
            + " was moved by other writers "
            + MAX_MOVE_ATTEMPTS
            + " times while this move was being written; try again",
        null);
  }

  private boolean isVisible(String modelId, int version) {
    return bucket.get(ModelKeys.object(modelId, version, ModelKeys.MANIFEST)).isPresent();
  }

  /** The manifest of a version whose objects may be read: visible and not purged. */
  private ModelVersionManifest readableManifest(String modelId, int version) {
    ModelVersionManifest m = storedManifest(modelId, version);
    purges.requireNotPurged(modelId, version);
    return m;
  }

  /** The manifest as written by {@link #putVersion}, without metrics. */
  private ModelVersionManifest storedManifest(String modelId, int version) {
    ModelKeys.requireName(modelId, "modelId");
    ModelKeys.requireVersion(version);
    String key = ModelKeys.object(modelId, version, ModelKeys.MANIFEST);
    byte[] bytes =
        bucket
            .get(key)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "model "
                            + modelId
                            + " has no visible version v"
                            + version
                            + " ("
                            + where(key)
                            + " does not exist)"));
    ModelVersionManifest m = decode(key, bytes, ModelVersionManifest.class);
    if (!m.modelId().equals(modelId) || m.version() != version) {
      throw new CorruptObjectException(
          where(key) + " describes model " + m.modelId() + " v" + m.version() + ", not this key");
    }
    return m;
  }

  private <T extends Record> T decode(String key, byte[] bytes, Class<T> type) {
    try {
      return codec.decode(bytes, type);
    } catch (ContractViolation e) {
      throw new CorruptObjectException(where(key) + " is unreadable: " + e.getMessage());
    }
  }

  private int claimVersion(String modelId, Instant now) {
    long next = highestVersion(modelId) + 1L;
    String writer = UUID.randomUUID().toString();
    for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && next <= Integer.MAX_VALUE; attempt++) {
      int version = (int) next;
      Map<String, Object> claim = new LinkedHashMap<>();
      claim.put("modelId", modelId);
      claim.put("version", version);
      claim.put("writer", writer);
      claim.put("claimedAt", now.toString());
      byte[] bytes;
      try {
        bytes = mapper.writeValueAsBytes(claim);
      } catch (IOException e) {
        throw new StoreException("could not serialise a version claim: " + e, e);
      }
      if (bucket.putIfAbsent(ModelKeys.object(modelId, version, ModelKeys.CLAIM), bytes, JSON)) {
        return version;
      }
      next++;
    }
    throw new StoreException(
        "could not claim a version number for model "
            + modelId
            + " after "
            + MAX_CLAIM_ATTEMPTS
            + " attempts (from v"
            + (highestVersion(modelId) + 1)
            + "): too many concurrent writers");
  }

  /** The highest version number with any object, visible or not (0 if none). */
  private int highestVersion(String modelId) {
    return bucket.keys(ModelKeys.modelPrefix(modelId)).stream()
        .map(ModelKeys::version)
        .filter(OptionalInt::isPresent)
        .mapToInt(OptionalInt::getAsInt)
        .max()
        .orElse(0);
  }

  /** Uploads {@code bytes}, reads them back and checks size and SHA-256. */
  private void uploadVerified(String key, byte[] bytes, String contentType) {
    bucket.put(key, bytes, contentType);
    byte[] back =
        bucket
            .get(key)
            .orElseThrow(
                () -> new StoreException(where(key) + " is missing right after its upload"));
    String wrote = Sha256.of(bytes);
    String read = Sha256.of(back);
    if (back.length != bytes.length || !read.equals(wrote)) {
      throw new CorruptObjectException(
          where(key)
              + " did not verify after upload: read back "
              + read
              + " ("
              + back.length
              + " bytes), wrote "
              + wrote
              + " ("
              + bytes.length
              + " bytes)");
    }
  }

  private byte[] readVerified(ModelVersionManifest m, String name) {
    StoredObject expected =
        m.objects().stream()
            .filter(o -> o.key().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new CorruptObjectException(
                        "the manifest of model "
                            + m.modelId()
                            + " v"
                            + m.version()
                            + " lists no "
                            + name));
    String key = ModelKeys.object(m.modelId(), m.version(), name);
    byte[] bytes =
        bucket
            .get(key)
            .orElseThrow(
                () ->
                    new CorruptObjectException(
                        where(key) + " is missing although the version's manifest lists it"));
    String actual = Sha256.of(bytes);
    if (bytes.length != expected.bytes() || !actual.equals(expected.sha256())) {
      throw new CorruptObjectException(
          where(key)
              + ": sha256 "
              + actual
              + " ("
              + bytes.length
              + " bytes) does not match the manifest's "
              + expected.sha256()
              + " ("
              + expected.bytes()
              + " bytes); the object was altered after it was stored, refusing to use it");
    }
    return bytes;
  }

  private ModelVersionManifest manifestOf(
      String modelId, int version, NewVersion v, List<StoredObject> objects, Instant now) {
    return new ModelVersionManifest(
        modelId,
        version,
        v.parentVersion(),
        v.method(),
        v.forgetRequestIds(),
        v.subjectsForgotten(),
        v.datasetVersion(),
        "s3://" + bucket.name() + "/" + ModelKeys.versionPrefix(modelId, version),
        objects,
        null,
        now,
        v.datasetId(),
        v.datasetRevision(),
        v.checkpoint().format());
  }

  private static ModelVersionManifest withMetrics(
      ModelVersionManifest m, EvaluationReportMessage r) {
    Metrics metrics =
        new Metrics(
            r.testAccuracy(),
            r.testTop2Accuracy(),
            r.mia().accuracy(),
            r.forgettingScore(),
            r.nomus(),
            r.passed(),
            r.evaluatedAt());
    return new ModelVersionManifest(
        m.modelId(),
        m.version(),
        m.parentVersion(),
        m.method(),
        m.forgetRequestIds(),
        m.subjectsForgotten(),
        m.datasetVersion(),
        m.checkpointUri(),
        m.objects(),
        metrics,
        m.createdAt(),
        m.datasetId(),
        m.datasetRevision(),
        m.format());
  }

  private String where(String key) {
    return "s3://" + bucket.name() + "/" + key;
  }

  /** Options for {@link ModelStore}. */
  public static final class Builder {
    private final MinioClient client;
    private final String bucket;
    private MessageCodec codec = new MessageCodec();
    private Clock clock = Clock.systemUTC();
    private UploadListener uploadListener = UploadListener.NONE;

    private Builder(MinioClient client, String bucket) {
      this.client = Objects.requireNonNull(client, "client");
      this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    /** The codec that validates manifests and evaluations (default: the packaged contracts). */
    public Builder optCodec(MessageCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** The clock for {@code createdAt} and alias history (default: system UTC). */
    public Builder optClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Told about every stored version's upload size and time (default: nobody). */
    public Builder optUploadListener(UploadListener listener) {
      this.uploadListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public ModelStore build() {
      return new ModelStore(this);
    }
  }
}
