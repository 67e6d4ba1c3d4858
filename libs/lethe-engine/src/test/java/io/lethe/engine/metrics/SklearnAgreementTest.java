package io.lethe.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the attack against scikit-learn's numbers in {@code fixtures/mia/*.json}, written by
 * {@code src/test/python/make_mia_fixture.py}: the loss attack on losses, and the other attacks
 * ({@link AttackFeature}) on logits and labels.
 */
class SklearnAgreementTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final MembershipInferenceAttack ATTACK =
      MembershipInferenceAttack.builder().build();

  @ParameterizedTest
  @ValueSource(strings = {"overlap_300", "small_gap_1000", "identical_500", "separable_300"})
  void replayingSklearnSplitsGivesSklearnsPerSplitAccuracies(String name) throws IOException {
    JsonNode fixture = load(name);
    double[] losses = doubles(fixture.get("losses"));
    int[] members = ints(fixture.get("members"));
    List<TrainTestSplit> splits = new ArrayList<>();
    for (JsonNode s : fixture.get("splits")) {
      splits.add(new TrainTestSplit(ints(s.get("train")), ints(s.get("test"))));
    }

    MiaResult result = ATTACK.evaluateOnSplits(losses, members, splits);

    double[] expected = doubles(fixture.get("split_accuracies"));
    assertThat(result.perSplitAccuracy().stream().mapToDouble(Double::doubleValue).toArray())
        .containsExactly(expected, within(1e-9));
    assertThat(result.accuracy()).isCloseTo(fixture.get("mean_accuracy").asDouble(), within(1e-9));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"overlap_300", "small_gap_1000", "identical_500", "separable_300", "large_50000"})
  void fullDataFitMatchesSklearnsOptimum(String name) throws IOException {
    JsonNode fixture = load(name);
    Data data = data(fixture);
    double[][] x = new double[data.losses.length][];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {data.losses[i]};
    }

    LogisticRegressionModel model = LogisticRegression.withDefaults().fit(x, data.members);

    // The exact optimum (sklearn newton-cg, tol 1e-10): both are Newton solvers, so they agree to
    // round-off.
    JsonNode exact = fixture.get("full_fit");
    assertRelativelyClose(model.weights()[0], exact.get("coef").asDouble(), 1e-9);
    assertRelativelyClose(model.intercept(), exact.get("intercept").asDouble(), 1e-9);
    // What cross_val_score fits (default lbfgs, which stops early at ~1e-6 relative).
    JsonNode lbfgs = fixture.get("full_fit_lbfgs_default");
    assertRelativelyClose(model.weights()[0], lbfgs.get("coef").asDouble(), 1e-4);
    assertRelativelyClose(model.intercept(), lbfgs.get("intercept").asDouble(), 1e-4);
    assertThat(model.converged()).isTrue();
  }

  private static void assertRelativelyClose(double actual, double expected, double relative) {
    assertThat(actual).isCloseTo(expected, within(relative * Math.abs(expected)));
  }

  @Test
  void ownSplitsOnLargeCaseGiveSklearnsMeanAccuracyWithinOnePercent() throws IOException {
    // 100000 balanced samples: each test set has 10000, so the split noise of a 10-split mean is
    // about 0.0016 and the difference of two independent means about 0.0022; 0.01 is 4.5 sigma.
    JsonNode fixture = load("large_50000");
    Data data = data(fixture);
    double[] members = select(data, 1);
    double[] nonMembers = select(data, 0);

    MiaResult result = ATTACK.evaluate(members, nonMembers);

    assertThat(result.memberCount()).isEqualTo(50000);
    assertThat(result.nonMemberCount()).isEqualTo(50000);
    assertThat(result.perSplitAccuracy()).hasSize(10);
    assertThat(result.accuracy()).isCloseTo(fixture.get("mean_accuracy").asDouble(), within(0.01));
  }

  /**
   * The other attacks (confidence, entropy, modified entropy, logit-scaled confidence) on {@code
   * features_500}: the Java features of the logits agree with the reference formulas of Song &amp;
   * Mittal's code (float64 numpy), and the attack on the Java features, replaying sklearn's splits,
   * gives sklearn's per-split accuracies.
   */
  @ParameterizedTest
  @ValueSource(strings = {"confidence", "entropy", "modified_entropy", "logit_confidence"})
  void attackFeaturesAndTheirAttacksMatchSklearn(String name) throws IOException {
    JsonNode fixture = load("features_500");
    AttackFeature feature = AttackFeature.ofKey(name);
    double[] java = javaFeatures(fixture, feature);
    JsonNode expected = fixture.get("attacks").get(name);
    double[] numpy = doubles(expected.get("features"));
    for (int i = 0; i < java.length; i++) {
      assertThat(java[i])
          .as("sample %d", i)
          .isCloseTo(numpy[i], within(1e-12 * (1 + Math.abs(numpy[i]))));
    }
    List<TrainTestSplit> splits = new ArrayList<>();
    for (JsonNode s : fixture.get("splits")) {
      splits.add(new TrainTestSplit(ints(s.get("train")), ints(s.get("test"))));
    }

    MiaResult result = ATTACK.evaluateOnSplits(java, ints(fixture.get("members")), splits);

    assertThat(result.perSplitAccuracy().stream().mapToDouble(Double::doubleValue).toArray())
        .containsExactly(doubles(expected.get("split_accuracies")), within(1e-9));
    assertThat(result.accuracy()).isCloseTo(expected.get("mean_accuracy").asDouble(), within(1e-9));
  }

  @Test
  void allFeatureAttacksOnOwnSplitsLandNearSklearnsMeans() throws IOException {
    // 500 vs 500, test sets of 100: one split's accuracy has a standard deviation of about 0.045,
    // a 10-split mean (overlapping splits) about 0.02, the difference of two independent means
    // about 0.03; 0.08 is well over 2.5 sigma, and far below the gaps a wrong feature would make.
    JsonNode fixture = load("features_500");
    int[] members = ints(fixture.get("members"));
    Map<String, double[]> memberFeatures = new LinkedHashMap<>();
    Map<String, double[]> nonMemberFeatures = new LinkedHashMap<>();
    for (AttackFeature f : AttackFeature.values()) {
      double[] values = javaFeatures(fixture, f);
      memberFeatures.put(f.key(), select(values, members, 1));
      nonMemberFeatures.put(f.key(), select(values, members, 0));
    }

    Map<String, MiaResult> results = ATTACK.evaluate(memberFeatures, nonMemberFeatures);

    assertThat(results)
        .containsOnlyKeys("confidence", "entropy", "modified_entropy", "logit_confidence");
    results.forEach(
        (name, result) ->
            assertThat(result.accuracy())
                .as(name)
                .isCloseTo(
                    fixture.get("attacks").get(name).get("mean_accuracy").asDouble(),
                    within(0.08)));
  }

  private static double[] javaFeatures(JsonNode fixture, AttackFeature feature) {
    JsonNode logits = fixture.get("logits");
    int[] labels = ints(fixture.get("labels"));
    double[] out = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = feature.of(doubles(logits.get(i)), labels[i]);
    }
    return out;
  }

  private static double[] select(double[] values, int[] members, int label) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (members[i] == label) {
        out.add(values[i]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private record Data(double[] losses, int[] members) {}

  private static Data data(JsonNode fixture) {
    if (fixture.has("losses")) {
      return new Data(doubles(fixture.get("losses")), ints(fixture.get("members")));
    }
    // Histogram cases: non-members first, then members, values in thousandths (as the script).
    List<Double> losses = new ArrayList<>();
    List<Integer> members = new ArrayList<>();
    String[] groups = {"non_member_histogram", "member_histogram"};
    for (int label = 0; label < 2; label++) {
      JsonNode h = fixture.get(groups[label]);
      long[] values = longs(h.get("values_milli"));
      int[] counts = ints(h.get("counts"));
      for (int v = 0; v < values.length; v++) {
        for (int c = 0; c < counts[v]; c++) {
          losses.add(values[v] / 1000.0);
          members.add(label);
        }
      }
    }
    return new Data(
        losses.stream().mapToDouble(Double::doubleValue).toArray(),
        members.stream().mapToInt(Integer::intValue).toArray());
  }

  private static double[] select(Data data, int label) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < data.losses.length; i++) {
      if (data.members[i] == label) {
        out.add(data.losses[i]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static JsonNode load(String name) throws IOException {
    String resource = "/fixtures/mia/" + name + ".json";
    try (InputStream in = SklearnAgreementTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return MAPPER.readTree(in);
    }
  }

  private static double[] doubles(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false)
        .mapToDouble(JsonNode::asDouble)
        .toArray();
  }

  private static int[] ints(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
  }

  private static long[] longs(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong).toArray();
  }
}
