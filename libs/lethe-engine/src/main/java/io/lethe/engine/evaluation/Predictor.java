package io.lethe.engine.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.engine.data.ImageDataset;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.TaskLoss;

/**
 * Runs a classifier in eval mode over samples and collects per-sample losses and correctness, one
 * sub-manager per batch. The same code serves the evaluator, the CLI and DLFD's forgetting-score
 * estimates, so all of them measure the same thing.
 */
public final class Predictor {
  public static final String STAGE = "evaluate";
  private final int batchSize;

  public Predictor(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  public Predictions predict(Classifier classifier, ImageDataset dataset, int[] indices) {
    return predict(classifier, dataset, indices, ProgressListener.NONE);
  }

  public Predictions predict(
      Classifier classifier, ImageDataset dataset, int[] indices, ProgressListener progress) {
    int n = indices.length;
    double[] losses = new double[n];
    double[] top1 = new double[n];
    double[] top2 = new double[n];
    ImageBatches batches = new ImageBatches(dataset);
    TaskLoss loss = TaskLoss.of(classifier.labels());
    boolean multiLabel = classifier.labels().multiLabel();
    long totalBatches = (n + batchSize - 1) / batchSize;
    progress.stageStarted(STAGE, totalBatches);
    try {
      for (int from = 0, b = 0; from < n; from += batchSize, b++) {
        int to = Math.min(n, from + batchSize);
        try (NDManager batch = classifier.manager().newSubManager()) {
          NDArray x = batches.images(batch, indices, from, to);
          NDArray y = batches.labels(batch, indices, from, to);
          NDArray logits = classifier.predict(x).get(0);
          float[] l = loss.perSample(logits, y).toFloatArray();
          for (int i = 0; i < l.length; i++) {
            losses[from + i] = l[i];
          }
          if (multiLabel) {
            attributeAccuracy(logits, y, top1, from);
            System.arraycopy(top1, from, top2, from, to - from);
          } else {
            topKCorrect(logits, y, top1, top2, from);
          }
        }
        progress.stepCompleted(ProgressEvent.of(STAGE, b + 1, totalBatches, Double.NaN));
      }
    } finally {
      progress.stageFinished(STAGE);
    }
    return new Predictions(indices.clone(), losses, top1, top2);
  }

  private static void topKCorrect(
      NDArray logits, NDArray y, double[] top1, double[] top2, int offset) {
    long[] labels = y.toLongArray();
    int classes = (int) logits.getShape().get(1);
    float[] z = logits.toFloatArray();
    for (int i = 0; i < labels.length; i++) {
      int best = -1;
      int second = -1;
      for (int c = 0; c < classes; c++) {
        float v = z[i * classes + c];
        if (best < 0 || v > z[i * classes + best]) {
          second = best;
          best = c;
        } else if (second < 0 || v > z[i * classes + second]) {
          second = c;
        }
      }
      top1[offset + i] = best == labels[i] ? 1 : 0;
      top2[offset + i] = best == labels[i] || second == labels[i] ? 1 : 0;
    }
  }

  private static void attributeAccuracy(NDArray logits, NDArray y, double[] out, int offset) {
    float[] z = logits.toFloatArray();
    float[] t = y.toFloatArray();
    int a = (int) logits.getShape().get(1);
    for (int i = 0; i < z.length / a; i++) {
      int right = 0;
      for (int j = 0; j < a; j++) {
        boolean predicted = z[i * a + j] > 0;
        if (predicted == (t[i * a + j] > 0.5f)) {
          right++;
        }
      }
      out[offset + i] = (double) right / a;
    }
  }
}
