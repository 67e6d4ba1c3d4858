/**
 * The registry's storage layer in S3, through the MinIO Java SDK: {@link
 * io.lethe.registry.store.ModelStore} (model versions, evaluations, aliases) and {@link
 * io.lethe.registry.store.DatasetStore} (dataset versions with subject tombstones), both facades
 * over package-private components with one job each: for models {@code VersionWriter} (the
 * putVersion protocol), {@code VersionClaims}, {@code VersionManifests} (verified reads), {@code
 * RequestIndex}, {@code Evaluations}, {@code AliasMoves} over {@code AliasLog}, {@code
 * HonouredRequests} and {@code ModelPurge}; for datasets {@code DatasetRevisions} (tombstones),
 * {@code SnapshotUpload}, {@code SnapshotSamples}, {@code SnapshotGenerations}, {@code
 * SnapshotErasure} and {@code GenerationSweep}. Every component reaches S3 through one {@code
 * Bucket} (verified uploads, errors naming the object) and writes JSON through one {@code
 * StoredJson}.
 *
 * <p>Decisions, and why:
 *
 * <ul>
 *   <li><b>Visibility = manifest.</b> A model version's {@code manifest.json} is written last,
 *       after every other object was uploaded and read back with a matching SHA-256 and size; a
 *       crash earlier leaves objects nobody lists. What is verified is the full content (GET and
 *       re-hash), not the ETag: ETags are MD5s only for single-part uploads, and a multipart upload
 *       (large checkpoints) has an ETag that is not a content hash.
 *   <li><b>Version numbers</b> are taken by a conditional write ({@code If-None-Match: *}) of
 *       {@code v{n}/claim.json}; s3proxy 4.1 and AWS S3 honour it (tested in {@code BucketIT}), so
 *       no single-writer assumption is needed. Numbers of crashed writes are skipped, never reused.
 *   <li><b>Evaluations</b> go to a separate write-once {@code evaluation.json}, so manifests stay
 *       immutable; {@code ModelStore.manifest} merges them into {@code metrics}.
 *   <li><b>Aliases</b> keep their whole history; rollback undoes the latest promotion still in
 *       effect. A move appends a write-once entry ({@code If-None-Match: *}) and retries on a lost
 *       race, so any number of registry instances can move an alias without losing a move ({@code
 *       AliasLog}; s3proxy's {@code If-Match} is not atomic, so a conditional overwrite was not an
 *       option).
 *   <li><b>Erasure and purge</b> delete bytes, not just references: {@code DatasetStore.erase}
 *       replaces the snapshot by a generation without the erased subjects' samples and deletes the
 *       older generations ({@code SnapshotErasure}, {@code GenerationSweep}); {@code
 *       ModelStore.purge} writes a write-once {@code purged.json} marker, then deletes the
 *       version's parameters and checkpoint ({@code ModelPurge}), after which reads throw {@code
 *       PurgedException}.
 *   <li><b>Failures</b>: anything caused by an unreachable or failing S3 (I/O errors and timeouts
 *       however the SDK wraps them, 5xx, throttling) is a {@code StoreUnavailableException}, so
 *       callers retry; a 4xx is a plain {@code StoreException} or {@code NotFoundException}.
 * </ul>
 *
 * <p>Depends on {@code lethe-api} (records, codec) and {@code lethe-format} (checkpoint manifests,
 * hashes, sample tables) only: no DJL, so every service can store and read versions.
 */
package io.lethe.registry.store;
