package io.lethe.engine.metrics;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Utility and forgetting of one model, as reported by MUFAC/DLFD: test accuracy, top-2 test
 * accuracy, and the membership-inference attack on forget vs unseen samples. The derived forgetting
 * score and NoMUS are written into the JSON too, so a report is readable without recomputing them;
 * on reading they are ignored and recomputed.
 *
 * @param testAccuracy top-1 accuracy on the test split
 * @param testTop2Accuracy top-2 accuracy on the test split; at least {@code testAccuracy}
 * @param mia the attack on forget (members) vs unseen (non-members) samples
 */
@JsonIgnoreProperties(
    value = {"forgettingScore", "nomus"},
    allowGetters = true)
public record EvaluationReport(double testAccuracy, double testTop2Accuracy, MiaResult mia) {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public EvaluationReport {
    UnlearningScores.checkProbability("testAccuracy", testAccuracy);
    UnlearningScores.checkProbability("testTop2Accuracy", testTop2Accuracy);
    if (testTop2Accuracy < testAccuracy) {
      throw new IllegalArgumentException(
          "top-2 accuracy " + testTop2Accuracy + " cannot be below top-1 accuracy " + testAccuracy);
    }
    Objects.requireNonNull(mia, "mia");
  }

  /** {@code |mia.accuracy - 0.5|}. */
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
