package io.lethe.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluatorSettingsTest {
  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("S3_ENDPOINT", "http://127.0.0.1:9000");
    env.put("S3_ACCESS_KEY", "key");
    env.put("S3_SECRET_KEY", "secret");
    return env;
  }

  @Test
  void defaults() {
    EvaluatorSettings s = EvaluatorSettings.fromEnv(env());
    assertThat(s.threads()).isEqualTo(1);
    assertThat(s.batchSize()).isEqualTo(64);
    assertThat(s.maxForgettingScore()).isEqualTo(0.1);
    assertThat(s.maxNomusDrop()).isEqualTo(0.02);
    assertThat(s.maxAccuracyDrop()).isEqualTo(0.05);
    assertThat(s.noise()).isEqualTo(new NoiseRule(2, 2, 50));
    assertThat(s.s3().bucket()).isEqualTo("lethe-models");
    assertThat(s.datasetS3().bucket()).isEqualTo("lethe-models");
  }

  @Test
  void datasetsMayLiveInTheirOwnBucketOnTheSameServer() {
    Map<String, String> env = env();
    env.put("S3_DATASET_BUCKET", "lethe-datasets");
    EvaluatorSettings s = EvaluatorSettings.fromEnv(env);
    assertThat(s.datasetS3().bucket()).isEqualTo("lethe-datasets");
    assertThat(s.datasetS3().endpoint()).isEqualTo(s.s3().endpoint());
  }

  @Test
  void anInvalidDatasetBucketIsNamed() {
    Map<String, String> env = env();
    env.put("S3_DATASET_BUCKET", "Not A Bucket!");
    assertThatThrownBy(() -> EvaluatorSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("S3_DATASET_BUCKET");
  }

  @Test
  void gatesFromTheEnvironment() {
    Map<String, String> env = env();
    env.put("EVALUATOR_MAX_FORGETTING_SCORE", "0.05");
    env.put("EVALUATOR_MAX_NOMUS_DROP", "0");
    env.put("EVALUATOR_THREADS", "2");
    EvaluatorSettings s = EvaluatorSettings.fromEnv(env);
    assertThat(s.maxForgettingScore()).isEqualTo(0.05);
    assertThat(s.maxNomusDrop()).isZero();
    assertThat(s.threads()).isEqualTo(2);
  }

  @Test
  void theNoiseRuleFromTheEnvironment() {
    Map<String, String> env = env();
    env.put("EVALUATOR_NOISE_BAND_SIGMAS", "1.5");
    env.put("EVALUATOR_MIN_DROP_SIGMAS", "3");
    env.put("EVALUATOR_MIN_ATTACK_SAMPLES", "100");
    assertThat(EvaluatorSettings.fromEnv(env).noise()).isEqualTo(new NoiseRule(1.5, 3, 100));
  }

  @Test
  void badNoiseRuleValuesNameTheVariable() {
    for (String[] bad :
        new String[][] {
          {"EVALUATOR_NOISE_BAND_SIGMAS", "-1"},
          {"EVALUATOR_NOISE_BAND_SIGMAS", "two"},
          {"EVALUATOR_MIN_DROP_SIGMAS", "101"},
          {"EVALUATOR_MIN_ATTACK_SAMPLES", "0"},
          {"EVALUATOR_MIN_ATTACK_SAMPLES", "1.5"}
        }) {
      Map<String, String> env = env();
      env.put(bad[0], bad[1]);
      assertThatThrownBy(() -> EvaluatorSettings.fromEnv(env))
          .as("%s=%s", bad[0], bad[1])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(bad[0]);
    }
  }

  @Test
  void badValuesNameTheVariable() {
    Map<String, String> env = env();
    env.put("EVALUATOR_MAX_FORGETTING_SCORE", "0.7");
    assertThatThrownBy(() -> EvaluatorSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("EVALUATOR_MAX_FORGETTING_SCORE");
    env.put("EVALUATOR_MAX_FORGETTING_SCORE", "abc");
    assertThatThrownBy(() -> EvaluatorSettings.fromEnv(env))
        .hasMessageContaining("EVALUATOR_MAX_FORGETTING_SCORE");
    env.remove("EVALUATOR_MAX_FORGETTING_SCORE");
    env.put("EVALUATOR_MAX_NOMUS_DROP", "-1");
    assertThatThrownBy(() -> EvaluatorSettings.fromEnv(env))
        .hasMessageContaining("EVALUATOR_MAX_NOMUS_DROP");
    env.remove("EVALUATOR_MAX_NOMUS_DROP");
    env.put("EVALUATOR_MAX_ACCURACY_DROP", "1.5");
    assertThatThrownBy(() -> EvaluatorSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("EVALUATOR_MAX_ACCURACY_DROP must be in [0, 1], got 1.5");
    env.remove("S3_ENDPOINT");
    assertThatThrownBy(() -> EvaluatorSettings.fromEnv(env)).hasMessageContaining("S3_ENDPOINT");
  }
}
