package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import org.junit.jupiter.api.Test;

class LogitsLossTest {
  @Test
  void appliesTheWrappedLossToTheLogitsOnly() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.create(new float[][] {{2f, -1f, 0.5f}, {0f, 1f, 3f}});
      NDArray embedding = manager.ones(new Shape(2, 4));
      NDList labels = new NDList(manager.create(new float[] {0f, 2f}));
      Loss plain = Loss.softmaxCrossEntropyLoss();

      float wrapped =
          new LogitsLoss(plain).evaluate(labels, new NDList(logits, embedding)).getFloat();

      assertThat(wrapped).isEqualTo(plain.evaluate(labels, new NDList(logits)).getFloat());
      assertThat(new LogitsLoss(plain).getName()).isEqualTo(plain.getName());
    }
  }

  @Test
  void isNeededBecauseStockLossesRejectTheTwoOutputs() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDList output = new NDList(manager.zeros(new Shape(2, 3)), manager.zeros(new Shape(2, 4)));
      NDList labels = new NDList(manager.create(new float[] {0f, 2f}));

      assertThatThrownBy(() -> Loss.softmaxCrossEntropyLoss().evaluate(labels, output))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }
}
