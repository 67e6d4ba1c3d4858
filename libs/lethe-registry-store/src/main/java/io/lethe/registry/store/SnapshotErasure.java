package io.lethe.registry.store;

import static io.lethe.registry.store.SnapshotGenerations.IMAGES;
import static io.lethe.registry.store.SnapshotGenerations.SAMPLES;

import io.lethe.format.checkpoint.Sha256;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Erasure for {@link DatasetStore#erase}: writes the next snapshot generation without the samples
 * of newly erased subjects, in an upload directory of its own, verified before its descriptor is
 * written conditionally; a lost race rebuilds on the winner's generation (protocol and crash
 * recovery: {@link SnapshotGenerations}).
 */
final class SnapshotErasure {
  private static final int MAX_ATTEMPTS = 64;

  private final Bucket bucket;
  private final StoredJson json;
  private final Clock clock;
  private final SnapshotGenerations generations;
  private final GenerationSweep sweep;
  private final SecureRandom random = new SecureRandom();

  SnapshotErasure(
      Bucket bucket,
      StoredJson json,
      Clock clock,
      SnapshotGenerations generations,
      GenerationSweep sweep) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.json = Objects.requireNonNull(json, "json");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.generations = Objects.requireNonNull(generations, "generations");
    this.sweep = Objects.requireNonNull(sweep, "sweep");
  }

  /**
   * Writes a generation without the samples of {@code subjects} not erased yet (see the class
   * comment of {@link SnapshotGenerations}), then deletes what it supersedes ({@link
   * GenerationSweep#cleanUp}). The caller checked the subjects may be erased.
   *
   * @throws NotFoundException if the dataset has no snapshot
   */
  ErasureRecord erase(String datasetId, Set<String> subjects) {
    List<String> deleted = new ArrayList<>();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      SnapshotGenerations.Content current =
          generations.read(datasetId, true).orElseThrow(() -> generations.noSnapshot(datasetId));
      DatasetDescriptor d = current.descriptor();
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      deleted.addAll(
          sweep.cleanUp(datasetId, d, now.minus(SnapshotGenerations.STAGING_GRACE)).deleted());
      TreeSet<String> added = new TreeSet<>(subjects);
      added.removeAll(d.erasedSubjects());
      if (added.isEmpty()) {
        return new ErasureRecord(datasetId, d.generation(), List.of(), 0, deleted, now);
      }
      String imagesAt = bucket.where(SnapshotGenerations.objectKey(d, IMAGES));
      List<Sample> samples;
      PackedImages.Unpacked images;
      try {
        samples =
            SampleTable.decode(
                current.samples(), bucket.where(SnapshotGenerations.objectKey(d, SAMPLES)));
        images = PackedImages.unpack(current.images(), imagesAt);
      } catch (IllegalArgumentException e) {
        throw new CorruptObjectException(e.getMessage());
      }
      if (samples.size() != images.images().size()) {
        throw new CorruptObjectException(
            imagesAt + " holds " + images.images().size() + " images for " + samples.size());
      }
      List<Sample> kept = new ArrayList<>(samples.size());
      List<byte[]> keptImages = new ArrayList<>(samples.size());
      for (Sample s : samples) {
        if (!added.contains(s.subjectId())) {
          kept.add(new Sample(kept.size(), s.sampleId(), s.subjectId(), s.labels(), s.split()));
          keptImages.add(images.images().get(s.index()));
        }
      }
      ImageDataset content =
          new ImageDataset(
              d.name(),
              new LabelSchema(d.labelNames(), d.multiLabel()),
              d.channels(),
              d.side(),
              kept,
              keptImages);
      byte[] csv = SampleTable.encode(kept);
      byte[] packed = PackedImages.pack(d.channels(), d.side(), keptImages);
      int generation = d.generation() + 1;
      String directory = SnapshotGenerations.SNAPSHOTS + generation + "/" + writerToken() + "/";
      List<String> staged =
          List.of(
              SnapshotGenerations.root(datasetId) + directory + SAMPLES,
              SnapshotGenerations.root(datasetId) + directory + IMAGES);
      try {
        bucket.putVerified(staged.get(0), csv, SnapshotGenerations.CSV);
        bucket.putVerified(staged.get(1), packed, ModelStore.BINARY);
      } catch (StoreException e) {
        removeQuietly(staged);
        if (!(e instanceof StoreUnavailableException)
            && bucket.get(SnapshotGenerations.descriptorKey(datasetId, generation)).isPresent()) {
          continue; // another eraser took the number and removed this upload: start again
        }
        throw e;
      }
      TreeSet<String> erased = new TreeSet<>(d.erasedSubjects());
      erased.addAll(added);
      DatasetDescriptor next =
          new DatasetDescriptor(
              datasetId,
              d.name(),
              d.fingerprint(),
              d.labelNames(),
              d.multiLabel(),
              d.classCount(),
              d.channels(),
              d.side(),
              kept.size(),
              List.of(
                  new DatasetDescriptor.StoredObject(SAMPLES, Sha256.of(csv), csv.length),
                  new DatasetDescriptor.StoredObject(IMAGES, Sha256.of(packed), packed.length)),
              now,
              generation,
              content.fingerprint(),
              List.copyOf(erased),
              directory);
      if (!bucket.putIfAbsent(
          SnapshotGenerations.descriptorKey(datasetId, generation),
          json.encode(next, "a dataset descriptor"),
          ModelStore.JSON)) {
        removeQuietly(staged);
        continue; // lost the race for this number: rebuild on the winner's generation
      }
      deleted.addAll(
          sweep.cleanUp(datasetId, next, now.minus(SnapshotGenerations.STAGING_GRACE)).deleted());
      return new ErasureRecord(
          datasetId, generation, List.copyOf(added), samples.size() - kept.size(), deleted, now);
    }
    throw new StoreException(
        "could not write a new snapshot generation of dataset "
            + datasetId
            + " after "
            + MAX_ATTEMPTS
            + " attempts: too many concurrent erasers");
  }

  private void removeQuietly(List<String> keys) {
    for (String key : keys) {
      try {
        bucket.remove(key);
      } catch (StoreException e) {
        // left for the next erasure's clean-up, which deletes uploads at or below its generation
      }
    }
  }

  private String writerToken() {
    byte[] token = new byte[8];
    random.nextBytes(token);
    return HexFormat.of().formatHex(token);
  }
}
