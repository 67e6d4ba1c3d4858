package io.lethe.bench.unlearning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.engine.data.Indices;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.FeatureDistancingPerturbation;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.format.data.ImageDataset;

/**
 * How far apart, in DLFD's own metric, the original model already holds the retain set and the sets
 * it is compared with: the Sinkhorn distance between the features of a retain batch and of a second
 * retain batch (same distribution: the floor), a forget batch, and an unseen batch, averaged over
 * paired batches. DLFD's premise is that forget features form a distribution of their own that the
 * retain features can be moved away from; when retain–forget is no larger than retain–retain there
 * is none, and "distancing" can only move retain images off the data distribution.
 */
public final class FeatureDistanceProbe {
  /** Mean distances from retain batches, for one feature layer. */
  public record Distances(
      FeatureSource features,
      int batches,
      int batchSize,
      double retainToRetain,
      double retainToForget,
      double retainToUnseen) {}

  private final int batches;
  private final int batchSize;

  FeatureDistanceProbe(int batches, int batchSize) {
    this.batches = batches;
    this.batchSize = batchSize;
  }

  Distances measure(
      Classifier model,
      ImageDataset dataset,
      FeatureSource features,
      int[] retain,
      int[] forget,
      int[] unseen,
      long seed) {
    FeatureDistancingPerturbation probe =
        new FeatureDistancingPerturbation(
            model, DlfdConfig.builder().optFeatureSource(features).build());
    ImageBatches images = new ImageBatches(dataset);
    int[] r = Indices.shuffled(retain, seed * 31 + 1);
    int[] f = Indices.shuffled(forget, seed * 31 + 2);
    int[] u = Indices.shuffled(unseen, seed * 31 + 3);
    // Small sets (a smoke run) get smaller batches rather than no probe.
    int size = Math.min(batchSize, Math.min(r.length / 2, Math.min(f.length, u.length)));
    if (size < 2) {
      throw new IllegalArgumentException(
          "too few samples to compare feature distributions: retain "
              + r.length
              + ", forget "
              + f.length
              + ", unseen "
              + u.length);
    }
    int n = Math.min(batches, Math.min(r.length / (2 * size), Math.min(f.length, u.length) / size));
    double rr = 0;
    double rf = 0;
    double ru = 0;
    for (int b = 0; b < n; b++) {
      try (NDManager batch = model.manager().newSubManager()) {
        NDArray a = images.images(batch, r, 2 * b * size, (2 * b + 1) * size);
        NDArray other = images.images(batch, r, (2 * b + 1) * size, (2 * b + 2) * size);
        rr += probe.distance(a, other);
        rf += probe.distance(a, images.images(batch, f, b * size, (b + 1) * size));
        ru += probe.distance(a, images.images(batch, u, b * size, (b + 1) * size));
      }
    }
    return new Distances(features, n, size, rr / n, rf / n, ru / n);
  }
}
