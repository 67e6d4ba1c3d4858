package io.lethe.registry.store;

import static io.lethe.registry.store.SnapshotGenerations.DESCRIPTOR;
import static io.lethe.registry.store.SnapshotGenerations.IMAGES;
import static io.lethe.registry.store.SnapshotGenerations.SAMPLES;

import io.lethe.format.checkpoint.Sha256;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Uploads a dataset's snapshot (version 0) for {@link DatasetStore#putSnapshot}: {@code
 * samples.csv} and {@code images.bin} verified by SHA-256, then the descriptor, written with {@code
 * If-None-Match: *}, which makes it visible. A dataset id names one content for ever.
 */
final class SnapshotUpload {
  private final Bucket bucket;
  private final StoredJson json;
  private final Clock clock;
  private final SnapshotGenerations generations;

  SnapshotUpload(Bucket bucket, StoredJson json, Clock clock, SnapshotGenerations generations) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.json = Objects.requireNonNull(json, "json");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.generations = Objects.requireNonNull(generations, "generations");
  }

  /** See {@link DatasetStore#putSnapshot}. */
  DatasetDescriptor put(String datasetId, ImageDataset dataset) {
    Optional<DatasetDescriptor> existing = generations.newest(datasetId);
    if (existing.isPresent()) {
      return sameSnapshot(existing.get(), dataset);
    }
    List<byte[]> images = new ArrayList<>(dataset.size());
    for (Sample s : dataset.samples()) {
      float[] pixels = new float[dataset.imageSize()];
      dataset.copyPixels(s.index(), pixels, 0);
      byte[] image = new byte[pixels.length];
      for (int i = 0; i < pixels.length; i++) {
        image[i] = (byte) Math.round(pixels[i] * 255f);
      }
      images.add(image);
    }
    byte[] samples = SampleTable.encode(dataset.samples());
    byte[] packed = PackedImages.pack(dataset.channels(), dataset.side(), images);
    bucket.putVerified(
        DatasetStore.snapshotKey(datasetId, SAMPLES), samples, SnapshotGenerations.CSV);
    bucket.putVerified(DatasetStore.snapshotKey(datasetId, IMAGES), packed, ModelStore.BINARY);
    DatasetDescriptor d =
        new DatasetDescriptor(
            datasetId,
            dataset.name(),
            dataset.fingerprint(),
            dataset.labelSchema().names(),
            dataset.labelSchema().multiLabel(),
            dataset.labelSchema().numOutputs(),
            dataset.channels(),
            dataset.side(),
            dataset.size(),
            List.of(
                new DatasetDescriptor.StoredObject(SAMPLES, Sha256.of(samples), samples.length),
                new DatasetDescriptor.StoredObject(IMAGES, Sha256.of(packed), packed.length)),
            clock.instant().truncatedTo(ChronoUnit.MILLIS));
    byte[] bytes = json.encode(d, "a dataset descriptor");
    if (!bucket.putIfAbsent(
        DatasetStore.snapshotKey(datasetId, DESCRIPTOR), bytes, ModelStore.JSON)) {
      // A concurrent upload of the same id won; fine if it is the same content.
      return sameSnapshot(generations.newest(datasetId).orElseThrow(), dataset);
    }
    return d;
  }

  private DatasetDescriptor sameSnapshot(DatasetDescriptor stored, ImageDataset dataset) {
    if (!stored.fingerprint().equals(dataset.fingerprint())) {
      throw new StoreException(
          "dataset "
              + stored.datasetId()
              + " already has a snapshot with fingerprint "
              + stored.fingerprint()
              + ", not "
              + dataset.fingerprint()
              + "; a dataset id names one content for ever, upload under a new id");
    }
    return stored;
  }
}
