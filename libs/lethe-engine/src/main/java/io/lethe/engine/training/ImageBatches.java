package io.lethe.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lethe.format.data.ImageDataset;
import java.util.Random;

/**
 * Turns dataset samples into NDArray batches: images (N, C, H, W) in [0,1] and labels (int64 class
 * indices, or float32 attribute vectors for multi-label tasks). The arrays belong to the manager
 * passed in, which should be a per-batch sub-manager closed after the step.
 */
public final class ImageBatches {
  private final ImageDataset dataset;

  public ImageBatches(ImageDataset dataset) {
    this.dataset = dataset;
  }

  public ImageDataset dataset() {
    return dataset;
  }

  /** Images of {@code indices[from, to)} without augmentation. */
  public NDArray images(NDManager manager, int[] indices, int from, int to) {
    return images(manager, indices, from, to, Augmentation.NONE, null);
  }

  /** Images of {@code indices[from, to)}, augmented with {@code random} if enabled. */
  public NDArray images(
      NDManager manager,
      int[] indices,
      int from,
      int to,
      Augmentation augmentation,
      Random random) {
    int n = to - from;
    int size = dataset.imageSize();
    float[] buf = new float[n * size];
    float[] scratch = augmentation.enabled() ? new float[size] : null;
    for (int i = 0; i < n; i++) {
      dataset.copyPixels(indices[from + i], buf, i * size);
      if (scratch != null) {
        augmentation.apply(buf, i * size, dataset.channels(), dataset.side(), random, scratch);
      }
    }
    return manager.create(buf, new Shape(n, dataset.channels(), dataset.side(), dataset.side()));
  }

  /** Labels of {@code indices[from, to)}. */
  public NDArray labels(NDManager manager, int[] indices, int from, int to) {
    int n = to - from;
    if (dataset.labelSchema().multiLabel()) {
      int a = dataset.labelSchema().numOutputs();
      float[] buf = new float[n * a];
      for (int i = 0; i < n; i++) {
        int[] l = dataset.sample(indices[from + i]).labels();
        for (int j = 0; j < a; j++) {
          buf[i * a + j] = l[j];
        }
      }
      return manager.create(buf, new Shape(n, a));
    }
    long[] buf = new long[n];
    for (int i = 0; i < n; i++) {
      buf[i] = dataset.sample(indices[from + i]).label();
    }
    return manager.create(buf);
  }
}
