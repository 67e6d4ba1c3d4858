package io.lethe.engine.unlearn.dlfd;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.lethe.engine.model.Classifier;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FeatureDistancingPerturbationTest {
  private static final LabelSchema LABELS =
      LabelSchema.singleLabel(IntStream.range(0, 10).mapToObj(i -> "c" + i).toList());
  private static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 28, 10, Normalization.uniform(1, 0.5f, 0.25f));

  private static DlfdConfig config(boolean otOnClean) {
    return DlfdConfig.builder()
        .optStepSize(0.01)
        .optPerturbationSteps(10)
        .optOtOnClean(otOnClean)
        .build();
  }

  /** Retain images dark, forget images bright: two clearly different feature distributions. */
  private static NDArray images(NDManager m, long seed, float offset) {
    m.getEngine().setRandomSeed((int) seed);
    return m.randomUniform(0f, 0.5f, new Shape(16, 1, 28, 28)).add(offset);
  }

  private static NDArray labels(NDManager m) {
    long[] y = new long[16];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 10;
    }
    return m.create(y);
  }

  @Test
  void perturbationMovesTheImagesWithinBudgetAndIncreasesTheOtDistanceOnAverage() {
    try (Classifier model = Classifier.create(SPEC, LABELS, 3);
        NDManager m = model.manager().newSubManager()) {
      FeatureDistancingPerturbation p = new FeatureDistancingPerturbation(model, config(false));
      double before = 0;
      double after = 0;
      for (int trial = 0; trial < 4; trial++) {
        NDArray x = images(m, 10 + trial, 0f);
        NDArray xf = images(m, 20 + trial, 0.5f);
        NDArray xs = p.perturb(x, labels(m), xf, 0.0);
        float linf = xs.sub(x).abs().max().getFloat();
        assertThat(linf).as("x* moved").isGreaterThan(0f);
        assertThat(linf).as("within alpha * M").isLessThanOrEqualTo(0.1f + 1e-5f);
        assertThat(xs.min().getFloat()).isGreaterThanOrEqualTo(0f);
        assertThat(xs.max().getFloat()).isLessThanOrEqualTo(1f);
        before += p.distance(x, xf);
        after += p.distance(xs, xf);
      }
      assertThat(after / 4).as("mean OT distance after vs before").isGreaterThan(before / 4);
    }
  }

  @Test
  void otTermOnCleanFeaturesContributesNoGradientToThePerturbedImages() {
    try (Classifier model = Classifier.create(SPEC, LABELS, 3);
        NDManager m = model.manager().newSubManager()) {
      NDArray x = images(m, 1, 0f);
      NDArray xf = images(m, 2, 0.5f);
      NDArray y = labels(m);
      // λ = 0: only the OT term is left in the objective.
      FeatureDistancingPerturbation authors =
          new FeatureDistancingPerturbation(model, config(true));
      NDArray clean = authors.features(x);
      NDArray gradOnClean = authors.objectiveGradient(m, x, y, authors.features(xf), clean, 0.0);
      assertThat(gradOnClean.abs().max().getFloat()).isEqualTo(0f);
      NDArray notMoved = authors.perturb(x, y, xf, 0.0);
      assertThat(notMoved.sub(x).abs().max().getFloat()).isEqualTo(0f);

      FeatureDistancingPerturbation paper = new FeatureDistancingPerturbation(model, config(false));
      NDArray gradPaper = paper.objectiveGradient(m, x, y, paper.features(xf), null, 0.0);
      assertThat(gradPaper.abs().max().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void perturbingChangesNoParameterAndLeavesEveryTrainableParameterTrainable() {
    try (Classifier model = Classifier.create(SPEC, LABELS, 3);
        NDManager m = model.manager().newSubManager()) {
      byte[] before = model.parameterBytes();
      FeatureDistancingPerturbation p = new FeatureDistancingPerturbation(model, config(false));
      p.perturb(images(m, 1, 0f), labels(m), images(m, 2, 0.5f), 0.5);
      assertThat(model.parameterBytes()).as("weights and BatchNorm statistics").isEqualTo(before);
      List<Parameter> params = model.block().getParameters().values();
      for (Parameter param : params) {
        boolean runningStat =
            param.getType() == Parameter.Type.RUNNING_MEAN
                || param.getType() == Parameter.Type.RUNNING_VAR;
        assertThat(param.requiresGradient()).as(param.getName()).isEqualTo(!runningStat);
      }
    }
  }

  @Test
  void authorsNormalisedClampKeepsTheNormalisedImageInsideZeroOne() {
    try (Classifier model = Classifier.create(SPEC, LABELS, 3);
        NDManager m = model.manager().newSubManager()) {
      DlfdConfig cfg =
          DlfdConfig.builder()
              .optStepSize(0.01)
              .optPerturbationSteps(2)
              .optPerturbationSpace(PerturbationSpace.NORMALISED_CLAMPED)
              .build();
      NDArray x = images(m, 1, 0f);
      NDArray xs =
          new FeatureDistancingPerturbation(model, cfg)
              .perturb(x, labels(m), images(m, 2, 0.5f), 0);
      // z = (x - 0.5) / 0.25 clamped to [0,1]  <=>  x in [0.5, 0.75]
      assertThat(xs.min().getFloat()).isGreaterThanOrEqualTo(0.5f - 1e-5f);
      assertThat(xs.max().getFloat()).isLessThanOrEqualTo(0.75f + 1e-5f);
    }
  }
}
