package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.service.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {
  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("S3_ENDPOINT", "http://127.0.0.1:9000");
    env.put("S3_ACCESS_KEY", "a");
    env.put("S3_SECRET_KEY", "s");
    return env;
  }

  @Test
  void defaults() {
    WorkerSettings s = WorkerSettings.fromEnv(env());
    assertThat(s.s3().bucket()).isEqualTo("lethe-models");
    assertThat(s.s3().region()).isEqualTo("us-east-1");
    assertThat(s.jobThreads()).isEqualTo(1);
    assertThat(s.datasetS3().bucket()).isEqualTo("lethe-models");
  }

  @Test
  void datasetsMayLiveInTheirOwnBucketOnTheSameEndpoint() {
    Map<String, String> env = env();
    env.put("S3_DATASET_BUCKET", "lethe-datasets");
    WorkerSettings s = WorkerSettings.fromEnv(env);
    assertThat(s.datasetS3().bucket()).isEqualTo("lethe-datasets");
    assertThat(s.datasetS3().endpoint()).isEqualTo("http://127.0.0.1:9000");

    env.put("S3_DATASET_BUCKET", "No_Such");
    assertThatThrownBy(() -> WorkerSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("S3_DATASET_BUCKET")
        .hasMessageContaining("No_Such");
  }

  @Test
  void errorsNameTheVariable() {
    Map<String, String> env = env();
    env.remove("S3_SECRET_KEY");
    assertThatThrownBy(() -> WorkerSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("S3_SECRET_KEY");
    Map<String, String> bucket = env();
    bucket.put("S3_BUCKET", "Bad_Bucket");
    assertThatThrownBy(() -> WorkerSettings.fromEnv(bucket))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Bad_Bucket");
    Map<String, String> threads = env();
    threads.put("WORKER_JOB_THREADS", "zero");
    assertThatThrownBy(() -> WorkerSettings.fromEnv(threads))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WORKER_JOB_THREADS");
  }
}
