package io.lethe.registry.store;

import io.lethe.api.ContractViolation;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.MessageCodec;
import io.lethe.api.ModelVersionManifest;
import io.lethe.format.checkpoint.Checkpoint;
import io.lethe.format.checkpoint.CheckpointException;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.minio.MinioClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * <p><b>Reads never trust S3.</b> {@link #parameters} and {@link #checkpoint} re-hash every object
 * they return against the manifest and throw {@link CorruptObjectException} on a mismatch.
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

  /** Lost races a single alias move tolerates before giving up (each loss = another's success). */
  static final int MAX_MOVE_ATTEMPTS = 64;

  private final Bucket bucket;
  private final VersionManifests manifests;
  private final VersionClaims claims;
  private final RequestIndex requests;
  private final VersionWriter writer;
  private final Evaluations evaluations;
  private final AliasMoves aliases;
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
    StoredJson json = new StoredJson(bucket, MessageCodec.newObjectMapper());
    this.purges = new ModelPurge(bucket, json, b.clock);
    this.honoured = new HonouredRequests(bucket, json, b.clock);
    this.manifests = new VersionManifests(bucket, b.codec, purges);
    this.claims = new VersionClaims(bucket, json, b.clock);
    this.requests = new RequestIndex(bucket, manifests);
    this.writer =
        new VersionWriter(bucket, b.codec, b.clock, b.uploadListener, manifests, claims, requests);
    this.evaluations = new Evaluations(bucket, b.codec, manifests);
    this.aliases = new AliasMoves(new AliasLog(bucket, json), manifests, purges, b.clock);
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
    return writer.put(modelId, v);
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
    return claims.sweepAbandoned(modelId, claimedBefore);
  }

  /**
   * Deletes a visible version's parameters, checkpoint and every other object except {@code
   * manifest.json} (its lineage stays visible), {@code evaluation.json} and {@code claim.json}.
   * Crash-safe: the write-once marker {@code purged.json} is written first ({@code If-None-Match:
   * *}), then the objects are deleted; from the marker on, {@link #parameters}, {@link
   * #checkpointJson} and {@link #checkpoint} throw {@link PurgedException} and no alias can be
   * moved to the version. Idempotent: a repeated call (or one after a crash between marker and
   * deletes) deletes what is left and returns the stored record (the first call's reason and
   * actor), with any object deleted now that the stored record does not list appended. Aliases
   * already pointing at the version are not moved: choose their new target first.
   *
   * @param reason why (kept in the record; no subject ids)
   * @param actor who asked
   * @throws NotFoundException if the version is not visible
   * @throws IllegalArgumentException if {@code reason} or {@code actor} is blank
   */
  public PurgeRecord purge(String modelId, int version, String reason, String actor) {
    manifests.stored(modelId, version);
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
    manifests.stored(modelId, version);
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
    return requests.versionMadeFor(modelId, requestId);
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
    return manifests.models();
  }

  /** The visible versions of {@code modelId}, ascending; empty for an unknown model. */
  public List<Integer> versions(String modelId) {
    ModelKeys.requireName(modelId, "modelId");
    return manifests.versions(modelId);
  }

  /**
   * The manifest of a visible version, with {@code metrics} from its evaluation if it has one.
   *
   * @throws NotFoundException if the version is not visible
   */
  public ModelVersionManifest manifest(String modelId, int version) {
    return evaluations.manifest(modelId, version);
  }

  /**
   * The parameter bytes of a visible version, verified against its manifest.
   *
   * @throws CorruptObjectException if they do not match the manifest's SHA-256 and size
   * @throws PurgedException if the version was purged
   */
  public byte[] parameters(String modelId, int version) {
    ModelVersionManifest m = manifests.readable(modelId, version);
    return manifests.readVerified(m, ModelKeys.PARAMETERS);
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
    ModelVersionManifest m = manifests.readable(modelId, version);
    return new String(manifests.readVerified(m, ModelKeys.CHECKPOINT), StandardCharsets.UTF_8);
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
  public Checkpoint checkpoint(String modelId, int version) {
    ModelVersionManifest m = manifests.readable(modelId, version);
    byte[] checkpointJson = manifests.readVerified(m, ModelKeys.CHECKPOINT);
    CheckpointManifest checkpoint =
        CheckpointManifest.fromJson(new String(checkpointJson, StandardCharsets.UTF_8));
    return new Checkpoint(checkpoint, manifests.readVerified(m, ModelKeys.PARAMETERS));
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
    return evaluations.attach(report);
  }

  /** The evaluation of a version, if it has one. */
  public Optional<EvaluationReportMessage> evaluation(String modelId, int version) {
    return evaluations.read(modelId, version);
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
    return aliases.promoteIf(modelId, alias, version, note, condition);
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
    return aliases.rollback(modelId, alias, note, check);
  }

  /**
   * The version {@code alias} points at.
   *
   * @throws NotFoundException if the alias does not exist
   */
  public int resolve(String modelId, String alias) {
    return aliases.resolve(modelId, alias);
  }

  /** The history of {@code alias}, if it was ever promoted. */
  public Optional<AliasHistory> aliasHistory(String modelId, String alias) {
    return aliases.history(modelId, alias);
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
