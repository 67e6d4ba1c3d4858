package io.lethe.engine.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Utility and forgetting of one model, as reported by MUFAC/DLFD: test accuracy, top-2 test
 * accuracy, and the membership-inference attack on forget vs unseen samples. The derived forgetting
 * score and NoMUS are written into the JSON too, so a report is readable without recomputing them;
 * on reading they are ignored and recomputed.
 *
 * @param testAccuracy top-1 accuracy on the test split
 * @param testTop2Accuracy top-2 accuracy on the test split; at least {@code testAccuracy}
 *     <p>Besides the loss attack of the paper ({@code mia}, whose meaning, JSON and derived scores
 *     are unchanged), a report holds every attack that was run, by name ({@link #LOSS_ATTACK} and
 *     the {@link AttackFeature} keys), all on the same balanced samples and splits; {@link
 *     #strongest()} is the one that tells members from non-members best. Reports written before
 *     there were other attacks read back with the loss attack alone.
 * @param mia the loss attack on forget (members) vs unseen (non-members) samples
 * @param attacks every attack by name, in the order they were run, including {@value #LOSS_ATTACK}
 *     (equal to {@code mia}); null means {@code mia} alone
 */
@JsonIgnoreProperties(
    value = {"forgettingScore", "nomus", "strongestAttack"},
    allowGetters = true)
public record EvaluationReport(
    double testAccuracy, double testTop2Accuracy, MiaResult mia, Map<String, MiaResult> attacks) {
  /** The name of the loss attack ({@code mia}) among {@link #attacks()}. */
  public static final String LOSS_ATTACK = "loss";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A report with the loss attack alone. */
  public EvaluationReport(double testAccuracy, double testTop2Accuracy, MiaResult mia) {
    this(testAccuracy, testTop2Accuracy, mia, null);
  }

  @JsonCreator
  public EvaluationReport {
    UnlearningScores.checkProbability("testAccuracy", testAccuracy);
    UnlearningScores.checkProbability("testTop2Accuracy", testTop2Accuracy);
    if (testTop2Accuracy < testAccuracy) {
      throw new IllegalArgumentException(
          "top-2 accuracy " + testTop2Accuracy + " cannot be below top-1 accuracy " + testAccuracy);
    }
    Objects.requireNonNull(mia, "mia");
    if (attacks == null || attacks.isEmpty()) {
      attacks = Map.of(LOSS_ATTACK, mia);
    } else {
      if (!mia.equals(attacks.get(LOSS_ATTACK))) {
        throw new IllegalArgumentException(
            "attacks must hold the loss attack '" + LOSS_ATTACK + "' equal to mia");
      }
      Map<String, MiaResult> copy = new LinkedHashMap<>();
      attacks.forEach(
          (name, result) -> copy.put(name, Objects.requireNonNull(result, "attacks." + name)));
      attacks = Collections.unmodifiableMap(copy);
    }
  }

  /**
   * The name of the attack with the largest forgetting score (the first in {@link #attacks()} order
   * on a tie, so the loss attack when it ties): the attack a gate should trust.
   */
  @JsonProperty("strongestAttack")
  public String strongestAttack() {
    String best = null;
    for (var e : attacks.entrySet()) {
      if (best == null || e.getValue().forgettingScore() > attacks.get(best).forgettingScore()) {
        best = e.getKey();
      }
    }
    return best;
  }

  /** The result of {@link #strongestAttack()}. */
  @JsonIgnore
  public MiaResult strongest() {
    return attacks.get(strongestAttack());
  }

  /** {@code |mia.accuracy - 0.5|}, of the loss attack. */
  @JsonProperty("forgettingScore")
  public double forgettingScore() {
    return mia.forgettingScore();
  }

  /** NoMUS from test accuracy and attack accuracy. */
  @JsonProperty("nomus")
  public double nomus() {
    return UnlearningScores.nomus(testAccuracy, mia.accuracy());
  }

  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static EvaluationReport fromJson(String json) {
    try {
      return MAPPER.readValue(json, EvaluationReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an evaluation report: " + e.getOriginalMessage(), e);
    }
  }
}
