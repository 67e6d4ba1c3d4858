package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import io.lethe.engine.training.Optimizers;
import io.lethe.engine.training.OwnedTrainer;
import io.lethe.engine.training.TaskLoss;
import io.lethe.engine.training.TrainingSteps;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A classifier loaded from saved parameters must train like the one that was saved. DJL's load
 * replaces each parameter's array without attaching a gradient; found when a DLFD run on a registry
 * checkpoint whose first batches were not perturbed failed with "element 0 of tensors does not
 * require grad".
 */
class LoadedClassifierTest {
  private static final LabelSchema LABELS = LabelSchema.singleLabel(List.of("a", "b", "c", "d"));
  private static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 16, 4, Normalization.uniform(1, 0.5f, 0.25f));

  @Test
  void everyTrainableParameterOfALoadedClassifierHasItsGradientAttached() {
    byte[] saved;
    try (Classifier original = Classifier.create(SPEC, LABELS, 3)) {
      saved = original.parameterBytes();
    }
    try (Classifier loaded = Classifier.fromParameters(SPEC, LABELS, saved)) {
      for (Parameter p : loaded.block().getParameters().values()) {
        assertThat(p.getArray().hasGradient()).as(p.getName()).isEqualTo(p.requiresGradient());
      }
    }
  }

  @Test
  void aLoadedClassifierTakesAnSgdStepWithoutAnythingElseFirst() {
    byte[] saved;
    try (Classifier original = Classifier.create(SPEC, LABELS, 3)) {
      saved = original.parameterBytes();
    }
    try (Classifier loaded = Classifier.fromParameters(SPEC, LABELS, saved);
        NDManager batch = loaded.manager().newSubManager()) {
      TaskLoss loss = TaskLoss.of(LABELS);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(loss).optOptimizer(Optimizers.sgd(0.1f, 0.9f, 0f, false, 1));
      NDArray x = batch.randomUniform(0, 1, new Shape(8, 1, 16, 16));
      NDArray y = batch.create(new long[] {0, 1, 2, 3, 0, 1, 2, 3});
      float before = loaded.block().getParameters().valueAt(0).getArray().sum().getFloat();
      try (OwnedTrainer owned = new OwnedTrainer(loaded, config)) {
        double value = TrainingSteps.sgdStep(owned.trainer(), loss, x, y);
        assertThat(value).isFinite();
      }
      float after = loaded.block().getParameters().valueAt(0).getArray().sum().getFloat();
      assertThat(after).isNotEqualTo(before);
    }
  }
}
