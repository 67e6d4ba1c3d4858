package io.lethe.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnlearningScoresTest {
  private static final MiaResult MIA = new MiaResult(0.6, 0.02, List.of(0.58, 0.62), 300, 300);

  @Test
  void forgettingScoreIsDistanceFromChance() {
    assertThat(UnlearningScores.forgettingScore(0.5)).isZero();
    assertThat(UnlearningScores.forgettingScore(0.75)).isEqualTo(0.25);
    assertThat(UnlearningScores.forgettingScore(0.3)).isCloseTo(0.2, within(1e-15));
    assertThat(UnlearningScores.forgettingScore(1.0)).isEqualTo(0.5);
  }

  @Test
  void nomusAveragesAccuracyAndNormalisedForgetting() {
    // 0.5 * (0.8 + 1 - 2 * 0.1) = 0.8
    assertThat(UnlearningScores.nomus(0.8, 0.6)).isCloseTo(0.8, within(1e-15));
    assertThat(UnlearningScores.nomus(0.8, 0.4)).isCloseTo(0.8, within(1e-15));
    assertThat(UnlearningScores.nomus(1.0, 0.5)).isEqualTo(1.0);
    assertThat(UnlearningScores.nomus(0.0, 1.0)).isZero();
  }

  @Test
  void scoresRejectValuesOutsideTheUnitInterval() {
    assertThatThrownBy(() -> UnlearningScores.forgettingScore(1.2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mia must be in [0, 1], got 1.2");
    assertThatThrownBy(() -> UnlearningScores.nomus(-0.1, 0.5))
        .hasMessageContaining("testAccuracy must be in [0, 1], got -0.1");
    assertThatThrownBy(() -> UnlearningScores.nomus(0.5, Double.NaN))
        .hasMessageContaining("mia must be in [0, 1], got NaN");
  }

  @Test
  void reportDerivesForgettingScoreAndNomusFromItsParts() {
    EvaluationReport report = new EvaluationReport(0.8, 0.9, MIA);

    assertThat(report.forgettingScore()).isCloseTo(0.1, within(1e-15));
    assertThat(report.nomus()).isCloseTo(0.8, within(1e-15));
    assertThat(MIA.forgettingScore()).isCloseTo(0.1, within(1e-15));
  }

  @Test
  void reportJsonIncludesDerivedValuesAndRoundTrips() throws Exception {
    EvaluationReport report = new EvaluationReport(0.8, 0.9, MIA);

    String json = report.toJson();
    JsonNode tree = new ObjectMapper().readTree(json);

    assertThat(tree.get("testAccuracy").asDouble()).isEqualTo(0.8);
    assertThat(tree.get("testTop2Accuracy").asDouble()).isEqualTo(0.9);
    assertThat(tree.get("nomus").asDouble()).isCloseTo(0.8, within(1e-15));
    assertThat(tree.get("forgettingScore").asDouble()).isCloseTo(0.1, within(1e-15));
    assertThat(tree.at("/mia/accuracy").asDouble()).isEqualTo(0.6);
    assertThat(tree.at("/mia/forgettingScore").asDouble()).isCloseTo(0.1, within(1e-15));
    assertThat(tree.at("/mia/perSplitAccuracy").size()).isEqualTo(2);
    assertThat(tree.at("/mia/memberCount").asInt()).isEqualTo(300);
    assertThat(EvaluationReport.fromJson(json)).isEqualTo(report);
  }

  @Test
  void reportRejectsInconsistentAccuracies() {
    assertThatThrownBy(() -> new EvaluationReport(0.9, 0.8, MIA))
        .hasMessageContaining("top-2 accuracy 0.8 cannot be below top-1 accuracy 0.9");
    assertThatThrownBy(() -> new EvaluationReport(1.5, 1.5, MIA))
        .hasMessageContaining("testAccuracy must be in [0, 1]");
    assertThatThrownBy(() -> new EvaluationReport(0.5, 0.6, null)).hasMessageContaining("mia");
    assertThatThrownBy(() -> EvaluationReport.fromJson("{\"testAccuracy\": 2}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void miaResultValidatesItsFields() {
    assertThatThrownBy(() -> new MiaResult(1.1, 0, List.of(1.0), 1, 1))
        .hasMessageContaining("accuracy must be in [0, 1]");
    assertThatThrownBy(() -> new MiaResult(0.5, 0, List.of(), 1, 1))
        .hasMessageContaining("at least one split");
    assertThatThrownBy(() -> new MiaResult(0.5, 0, List.of(0.5), 0, 1))
        .hasMessageContaining("0 members and 1 non-members");
  }

  @Test
  void reportWithoutOtherAttacksHasTheLossAttackAlone() {
    EvaluationReport report = new EvaluationReport(0.8, 0.9, MIA);

    assertThat(report.attacks()).containsExactly(entry(EvaluationReport.LOSS_ATTACK, MIA));
    assertThat(report.strongestAttack()).isEqualTo("loss");
    assertThat(report.strongest()).isSameAs(MIA);
  }

  @Test
  void strongestAttackIsTheFarthestFromChanceOnEitherSideAndLossOnATie() {
    MiaResult below = new MiaResult(0.38, 0.02, List.of(0.38), 300, 300); // score 0.12
    MiaResult tie = new MiaResult(0.4, 0.02, List.of(0.4), 300, 300); // 0.1, as the loss attack
    Map<String, MiaResult> attacks = new LinkedHashMap<>();
    attacks.put("loss", MIA);
    attacks.put("confidence", tie);
    EvaluationReport tied = new EvaluationReport(0.8, 0.9, MIA, attacks);
    attacks.put("modified_entropy", below);
    EvaluationReport report = new EvaluationReport(0.8, 0.9, MIA, attacks);

    assertThat(tied.strongestAttack()).isEqualTo("loss");
    assertThat(report.strongestAttack()).isEqualTo("modified_entropy");
    assertThat(report.strongest().forgettingScore()).isCloseTo(0.12, within(1e-15));
    // The paper's scores stay those of the loss attack.
    assertThat(report.forgettingScore()).isCloseTo(0.1, within(1e-15));
    assertThat(report.nomus()).isCloseTo(0.8, within(1e-15));
  }

  @Test
  void reportJsonCarriesEveryAttackAndReadsReportsWrittenBeforeThem() throws Exception {
    Map<String, MiaResult> attacks = new LinkedHashMap<>();
    attacks.put("loss", MIA);
    attacks.put("entropy", new MiaResult(0.7, 0.03, List.of(0.7), 300, 300));
    EvaluationReport report = new EvaluationReport(0.8, 0.9, MIA, attacks);

    String json = report.toJson();
    JsonNode tree = new ObjectMapper().readTree(json);

    assertThat(tree.get("attacks").fieldNames()).toIterable().containsExactly("loss", "entropy");
    assertThat(tree.at("/attacks/entropy/forgettingScore").asDouble())
        .isCloseTo(0.2, within(1e-15));
    assertThat(tree.get("strongestAttack").asText()).isEqualTo("entropy");
    assertThat(tree.at("/mia/accuracy").asDouble()).isEqualTo(0.6);
    assertThat(EvaluationReport.fromJson(json)).isEqualTo(report);
    assertThat(EvaluationReport.fromJson(json).attacks().keySet())
        .containsExactly("loss", "entropy");

    ObjectNode old =
        (ObjectNode) new ObjectMapper().readTree(new EvaluationReport(0.8, 0.9, MIA).toJson());
    old.remove("attacks");
    old.remove("strongestAttack");
    assertThat(EvaluationReport.fromJson(old.toString()))
        .isEqualTo(new EvaluationReport(0.8, 0.9, MIA));
  }

  @Test
  void attacksMustHoldTheLossAttackAsMia() {
    MiaResult other = new MiaResult(0.7, 0.03, List.of(0.7), 300, 300);
    assertThatThrownBy(() -> new EvaluationReport(0.8, 0.9, MIA, Map.of("entropy", other)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loss attack 'loss' equal to mia");
    assertThatThrownBy(() -> new EvaluationReport(0.8, 0.9, MIA, Map.of("loss", other)))
        .hasMessageContaining("equal to mia");
  }
}
