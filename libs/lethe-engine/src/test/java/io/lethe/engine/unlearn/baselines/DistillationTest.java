package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lethe.format.data.LabelSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistillationTest {
  @Test
  void klIsZeroForIdenticalOutputsAndMatchesTheClosedFormOtherwise() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray teacher = m.create(new float[] {0f, 0f}, new Shape(1, 2));
      NDArray student = m.create(new float[] {(float) Math.log(3), 0f}, new Shape(1, 2));
      Distillation kl = new Distillation(LabelSchema.singleLabel(List.of("a", "b")), 1);

      assertThat(kl.mean(teacher, teacher).getFloat()).isCloseTo(0f, within(1e-6f));
      // KL((½,½) ‖ (¾,¼)) = ½ ln(⅔) + ½ ln(2)
      double expected = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25);
      assertThat((double) kl.mean(student, teacher).getFloat()).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void temperatureSoftensAndIsScaledBackBySquare() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray teacher = m.create(new float[] {0f, 0f}, new Shape(1, 2));
      NDArray student = m.create(new float[] {4f, 0f}, new Shape(1, 2));
      LabelSchema labels = LabelSchema.singleLabel(List.of("a", "b"));
      double atFour = new Distillation(labels, 4).mean(student, teacher).getFloat();
      // T² · KL at logits / 4 = 16 · KL((½,½) ‖ softmax(1, 0))
      double p = Math.exp(1) / (Math.exp(1) + 1);
      double expected = 16 * (0.5 * Math.log(0.5 / p) + 0.5 * Math.log(0.5 / (1 - p)));
      assertThat(atFour).isCloseTo(expected, within(1e-4));
    }
  }

  @Test
  void multiLabelKlIsBernoulliPerAttribute() {
    try (NDManager m = NDManager.newBaseManager()) {
      LabelSchema labels = LabelSchema.multiLabel(List.of("smiling", "young"));
      NDArray teacher = m.create(new float[] {0f, 0f}, new Shape(1, 2));
      NDArray student = m.create(new float[] {(float) Math.log(3), 0f}, new Shape(1, 2));
      double got = new Distillation(labels, 1).mean(student, teacher).getFloat();
      // attribute 1: KL(Bern ½ ‖ Bern ¾); attribute 2: 0; mean over the two
      double expected = (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25)) / 2;
      assertThat(got).isCloseTo(expected, within(1e-5));
    }
  }
}
