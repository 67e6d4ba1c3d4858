package io.lethe.engine.unlearn.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.evaluation.Predictions;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.unlearn.UnlearningData;
import org.junit.jupiter.api.Test;

/** The fixture's original must have learnt the task without saturating (else nothing can move). */
class BaselineFixtureTest {
  @Test
  void theOriginalLearntTheTaskWithNonZeroLosses() {
    UnlearningData data = BaselineFixture.data();
    try (Classifier model = BaselineFixture.trained()) {
      Predictions forget = BaselineFixture.predict(model, data.forget());
      Predictions unseen = BaselineFixture.predict(model, data.unseen());
      System.out.printf(
          "original: forget acc %.3f loss %.4f, unseen acc %.3f loss %.4f%n",
          forget.accuracy(), forget.meanLoss(), unseen.accuracy(), unseen.meanLoss());
      assertThat(forget.accuracy()).isGreaterThan(0.7);
      assertThat(forget.meanLoss()).isBetween(1e-3, 1.0);
    }
  }
}
