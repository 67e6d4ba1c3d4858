package io.lethe.engine.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.engine.metrics.AttackFeature;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.ImageBatches;
import io.lethe.engine.training.TaskLoss;
import io.lethe.format.data.ImageDataset;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Runs a classifier in eval mode over samples and collects per-sample losses, correctness and
 * membership-attack features, one sub-manager per batch. The same code serves the evaluator, the
 * CLI and DLFD's forgetting-score estimates, so all of them measure the same thing.
 */
public final class Predictor {
  public static final String STAGE = "evaluate";
  private final int batchSize;
  private final Set<AttackFeature> features;

  /** A predictor that computes no attack feature (losses and correctness only). */
  public Predictor(int batchSize) {
    this(batchSize, Set.of());
  }

  /**
   * @param features the attack features to compute for every sample (see {@link
   *     Predictions#features()}); none for a caller that needs only losses
   */
  public Predictor(int batchSize, Set<AttackFeature> features) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
    this.features = EnumSet.noneOf(AttackFeature.class);
    this.features.addAll(features);
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
    Map<AttackFeature, double[]> features = new EnumMap<>(AttackFeature.class);
    for (AttackFeature f : this.features) {
      features.put(f, new double[n]);
    }
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
          float[] z = logits.toFloatArray();
          int outputs = (int) logits.getShape().get(1);
          if (multiLabel) {
            float[] t = y.toFloatArray();
            attributeAccuracy(z, t, outputs, top1, from);
            System.arraycopy(top1, from, top2, from, to - from);
            if (!features.isEmpty()) {
              attributeFeatures(z, t, outputs, features, from);
            }
          } else {
            long[] labels = y.toLongArray();
            topKCorrect(z, labels, outputs, top1, top2, from);
            if (!features.isEmpty()) {
              classFeatures(z, labels, outputs, features, from);
            }
          }
        }
        progress.stepCompleted(ProgressEvent.of(STAGE, b + 1, totalBatches, Double.NaN));
      }
    } finally {
      progress.stageFinished(STAGE);
    }
    return new Predictions(indices.clone(), losses, top1, top2, features);
  }

  /**
   * The model's output distribution on {@code indices} (eval mode): softmax rows for a single-label
   * model, per-attribute sigmoids for a multi-label one.
   */
  public ModelOutputs outputs(Classifier classifier, ImageDataset dataset, int[] indices) {
    int n = indices.length;
    float[][] rows = new float[n][];
    ImageBatches batches = new ImageBatches(dataset);
    boolean multiLabel = classifier.labels().multiLabel();
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      try (NDManager batch = classifier.manager().newSubManager()) {
        NDArray logits = classifier.predict(batches.images(batch, indices, from, to)).get(0);
        NDArray p = multiLabel ? ai.djl.nn.Activation.sigmoid(logits) : logits.softmax(1);
        float[] flat = p.toFloatArray();
        int width = (int) logits.getShape().get(1);
        for (int i = 0; i < to - from; i++) {
          rows[from + i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
      }
    }
    return new ModelOutputs(indices.clone(), rows, multiLabel);
  }

  private static void topKCorrect(
      float[] z, long[] labels, int classes, double[] top1, double[] top2, int offset) {
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

  private static void attributeAccuracy(float[] z, float[] t, int a, double[] out, int offset) {
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

  /** Every attack feature of each single-label sample, from its logits in double precision. */
  private static void classFeatures(
      float[] z, long[] labels, int classes, Map<AttackFeature, double[]> out, int offset) {
    double[] row = new double[classes];
    for (int i = 0; i < labels.length; i++) {
      for (int c = 0; c < classes; c++) {
        row[c] = z[i * classes + c];
      }
      for (var e : out.entrySet()) {
        e.getValue()[offset + i] = e.getKey().of(row, (int) labels[i]);
      }
    }
  }

  /** Every attack feature of each multi-label sample (mean over its attributes). */
  private static void attributeFeatures(
      float[] z, float[] t, int a, Map<AttackFeature, double[]> out, int offset) {
    double[] row = new double[a];
    double[] target = new double[a];
    for (int i = 0; i < z.length / a; i++) {
      for (int j = 0; j < a; j++) {
        row[j] = z[i * a + j];
        target[j] = t[i * a + j];
      }
      for (var e : out.entrySet()) {
        e.getValue()[offset + i] = e.getKey().ofAttributes(row, target);
      }
    }
  }
}
