package io.lethe.engine.unlearn.baselines;

import ai.djl.nn.Parameter;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.evaluation.Predictions;
import io.lethe.engine.evaluation.Predictor;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.SupervisedTrainer;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A tiny learnable task for the baseline tests: 16×16 grey images of 4 classes, class c lighting
 * quadrant c slightly over strong noise (so losses are not 0 in float32); 20 subjects of 10
 * training images (s0 and s1 are forgotten) and 40 unseen images. The small CNN trained on it for a
 * few epochs is the "original" every test copies.
 */
final class BaselineFixture {
  static final int SIDE = 16;
  private static ImageDataset dataset;
  private static Classifier original;

  private BaselineFixture() {}

  static synchronized ImageDataset dataset() {
    if (dataset == null) {
      Random random = new Random(11);
      List<Sample> samples = new ArrayList<>();
      List<byte[]> pixels = new ArrayList<>();
      for (int i = 0; i < 240; i++) {
        int label = random.nextInt(4);
        Split split = i < 200 ? Split.TRAIN : Split.UNSEEN;
        samples.add(new Sample(i, "x" + i, "s" + (i / 10), new int[] {label}, split));
        byte[] img = new byte[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
          for (int x = 0; x < SIDE; x++) {
            int quadrant = (y < SIDE / 2 ? 0 : 2) + (x < SIDE / 2 ? 0 : 1);
            int value = random.nextInt(170) + (quadrant == label ? 40 : 0);
            img[y * SIDE + x] = (byte) value;
          }
        }
        pixels.add(img);
      }
      dataset =
          new ImageDataset(
              "quadrants",
              LabelSchema.singleLabel(List.of("a", "b", "c", "d")),
              1,
              SIDE,
              samples,
              pixels);
    }
    return dataset;
  }

  static UnlearningData data() {
    ImageDataset ds = dataset();
    UnlearningSplit split = UnlearningSplit.of(ds, Set.of("s0", "s1"));
    return new UnlearningData(ds, split.forget(), split.retain(), split.unseen(), new int[0]);
  }

  static ModelSpec spec() {
    return ModelSpec.of(Architecture.SMALL_CNN, 1, SIDE, 4, Normalization.uniform(1, 0.5f, 0.25f));
  }

  /** A copy of the trained original; the caller closes it. */
  static synchronized Classifier trained() {
    if (original == null) {
      original = Classifier.create(spec(), dataset().labelSchema(), 3);
      UnlearningData data = data();
      int[] train = new int[data.forget().length + data.retain().length];
      System.arraycopy(data.forget(), 0, train, 0, data.forget().length);
      System.arraycopy(data.retain(), 0, train, data.forget().length, data.retain().length);
      TrainingRecipe recipe =
          TrainingRecipe.builder()
              .optEpochs(3)
              .optBatchSize(20)
              .optLearningRate(0.01f)
              .optSeed(1)
              .build();
      new SupervisedTrainer(recipe).train(original, dataset(), train, ProgressListener.NONE);
    }
    return original.copy();
  }

  static Predictions predict(Classifier model, int[] indices) {
    return new Predictor(64).predict(model, dataset(), indices);
  }

  /** Every parameter's values (running statistics included), by parameter path. */
  static Map<String, float[]> snapshot(Classifier model) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (var e : model.block().getParameters()) {
      m.put(e.getKey(), e.getValue().getArray().toFloatArray());
    }
    return m;
  }

  /** Whether the parameter at {@code path} is a BatchNorm running statistic. */
  static boolean isRunningStatistic(Classifier model, String path) {
    Parameter.Type t = model.block().getParameters().get(path).getType();
    return t == Parameter.Type.RUNNING_MEAN || t == Parameter.Type.RUNNING_VAR;
  }
}
