package io.lethe.engine.unlearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnlearningMethodsTest {
  @Test
  void buildsEveryBaselineByNameWithItsDefaults() {
    for (String name : UnlearningMethods.BASELINES) {
      UnlearningMethod m = UnlearningMethods.byName(name, Map.of());
      assertThat(m.name()).isEqualTo(name);
      assertThat(m.hyperparameters()).containsKeys("learningRate", "epochs", "seed");
      assertThat(m.hyperparameters()).doesNotContainValue(null);
    }
    assertThat(UnlearningMethods.byName("SCRUB", null).name()).isEqualTo("scrub");
  }

  @Test
  void appliesStringAndTypedOverrides() {
    UnlearningMethod m =
        UnlearningMethods.byName(
            "cf-k", Map.of("k", "3", "learningRate", "0.02", "optimizer", "adam", "epochs", 4));
    assertThat(m.hyperparameters())
        .containsEntry("k", 3)
        .containsEntry("learningRate", 0.02f)
        .containsEntry("optimizer", "adam")
        .containsEntry("epochs", 4);
    assertThat(UnlearningMethods.byName("neggrad", Map.of("retainWeight", 0.999)).hyperparameters())
        .containsEntry("retainWeight", 0.999);
  }

  @Test
  void rejectsAnUnknownNameListingTheBaselines() {
    assertThatThrownBy(() -> UnlearningMethods.byName("forgetful", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'forgetful'")
        .hasMessageContaining("bad-teaching");
  }

  @Test
  void rejectsAnUnknownKeyListingTheAcceptedOnes() {
    assertThatThrownBy(() -> UnlearningMethods.byName("scrub", Map.of("msteps", 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[msteps]")
        .hasMessageContaining("maxSteps");
  }

  @Test
  void rejectsBadValuesNamingTheKey() {
    assertThatThrownBy(() -> UnlearningMethods.byName("finetune", Map.of("epochs", "two")))
        .hasMessageContaining("epochs=two")
        .hasMessageContaining("not an integer");
    assertThatThrownBy(() -> UnlearningMethods.byName("finetune", Map.of("epochs", 0)))
        .hasMessageContaining("finetune")
        .hasMessageContaining("epochs must be positive");
    assertThatThrownBy(() -> UnlearningMethods.byName("unsir", Map.of("optimizer", "rmsprop")))
        .hasMessageContaining("sgd or adam");
    assertThatThrownBy(() -> UnlearningMethods.byName("bad-teaching", Map.of("retainFraction", 2)))
        .hasMessageContaining("retain fraction");
  }
}
