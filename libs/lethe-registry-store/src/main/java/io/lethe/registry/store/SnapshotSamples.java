package io.lethe.registry.store;

import static io.lethe.registry.store.SnapshotGenerations.IMAGES;
import static io.lethe.registry.store.SnapshotGenerations.SAMPLES;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@link DatasetStore} reads from the newest snapshot generation: the training data of a
 * version (rebuilt and checked against the generation's content fingerprint), the TRAIN samples of
 * each subject, and which subjects may be tombstoned.
 */
final class SnapshotSamples {
  private final Bucket bucket;
  private final SnapshotGenerations generations;

  SnapshotSamples(Bucket bucket, SnapshotGenerations generations) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.generations = Objects.requireNonNull(generations, "generations");
  }

  /** See {@link DatasetStore#materialise}; {@code tombstoned}: the version's tombstones. */
  ImageDataset materialise(String datasetId, List<String> tombstoned) {
    SnapshotGenerations.Content content = requireContent(datasetId, true);
    DatasetDescriptor d = content.descriptor();
    List<Sample> samples = samplesOf(content);
    String imagesAt = bucket.where(SnapshotGenerations.objectKey(d, IMAGES));
    PackedImages.Unpacked images;
    ImageDataset dataset;
    try {
      images = PackedImages.unpack(content.images(), imagesAt);
      if (images.channels() != d.channels() || images.side() != d.side()) {
        throw new IllegalArgumentException(
            imagesAt + " holds " + images.channels() + "x" + images.side() + " images");
      }
      dataset =
          new ImageDataset(
              d.name(),
              new LabelSchema(d.labelNames(), d.multiLabel()),
              d.channels(),
              d.side(),
              samples,
              images.images());
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(
          "dataset " + datasetId + " does not rebuild from its snapshot: " + e.getMessage());
    }
    if (!dataset.fingerprint().equals(d.contentFingerprint())) {
      throw new CorruptObjectException(
          "dataset "
              + datasetId
              + " rebuilds with fingerprint "
              + dataset.fingerprint()
              + " but generation "
              + d.generation()
              + " was stored as "
              + d.contentFingerprint()
              + "; refusing to train on other data than the lineage records");
    }
    if (!d.erasedSubjects().isEmpty()) {
      // The uploaded dataset minus subjects every lineage on it has forgotten: what any training
      // may use is unchanged, so it keeps the identity checkpoints record (ImageDataset.erase).
      dataset = ImageDataset.erasureOf(dataset, d.fingerprint(), new TreeSet<>(d.erasedSubjects()));
    }
    Set<String> present = trainSubjects(samples);
    Set<String> excluded = new TreeSet<>(tombstoned);
    excluded.retainAll(present);
    return excluded.isEmpty() ? dataset : dataset.withoutSubjects(excluded);
  }

  /** See {@link DatasetStore#subjectSamples}; {@code tombstoned}: the version's tombstones. */
  SortedMap<String, List<String>> subjectSamples(String datasetId, Set<String> tombstoned) {
    SortedMap<String, List<String>> bySubject = new TreeMap<>();
    for (Sample s : samplesOf(requireContent(datasetId, false))) {
      if (s.split() == Split.TRAIN && !tombstoned.contains(s.subjectId())) {
        bySubject.computeIfAbsent(s.subjectId(), k -> new ArrayList<>()).add(s.sampleId());
      }
    }
    bySubject.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableSortedMap(bySubject);
  }

  /**
   * With a snapshot, only subjects that have TRAIN samples in it, or whose samples were erased
   * (they were tombstoned first), may be tombstoned.
   */
  void requireSubjects(String datasetId, Collection<String> subjects) {
    Optional<SnapshotGenerations.Content> content = generations.read(datasetId, false);
    if (content.isEmpty()) {
      return;
    }
    TreeSet<String> unknown = new TreeSet<>(subjects);
    unknown.removeAll(content.get().descriptor().erasedSubjects());
    unknown.removeAll(trainSubjects(samplesOf(content.get())));
    if (!unknown.isEmpty()) {
      // Counted, not named: the message may reach a service's log, and a subject id is personal.
      throw new IllegalArgumentException(
          unknown.size()
              + " of the "
              + subjects.size()
              + " subject(s) have no TRAIN samples in dataset "
              + datasetId
              + ": nothing to tombstone");
    }
  }

  private SnapshotGenerations.Content requireContent(String datasetId, boolean withImages) {
    ModelKeys.requireName(datasetId, "datasetId");
    return generations
        .read(datasetId, withImages)
        .orElseThrow(() -> generations.noSnapshot(datasetId));
  }

  private List<Sample> samplesOf(SnapshotGenerations.Content content) {
    DatasetDescriptor d = content.descriptor();
    String at = bucket.where(SnapshotGenerations.objectKey(d, SAMPLES));
    List<Sample> samples;
    try {
      samples = SampleTable.decode(content.samples(), at);
    } catch (IllegalArgumentException e) {
      throw new CorruptObjectException(e.getMessage());
    }
    if (samples.size() != d.samples()) {
      throw new CorruptObjectException(
          at + " holds " + samples.size() + " samples, the descriptor " + d.samples());
    }
    return samples;
  }

  private static Set<String> trainSubjects(List<Sample> samples) {
    Set<String> subjects = new HashSet<>();
    for (Sample s : samples) {
      if (s.split() == Split.TRAIN) {
        subjects.add(s.subjectId());
      }
    }
    return subjects;
  }
}
