package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import io.lethe.api.Method;
import io.lethe.config.ConfigException;
import io.lethe.engine.model.ComputeDevice;
import io.lethe.service.limits.HyperparameterLimits;
import java.nio.file.Path;
import java.time.Duration;
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
    assertThat(s.jobTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(s.hyperparameterLimits()).isEqualTo(HyperparameterLimits.defaults());
    assertThat(s.scratchDir())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "lethe-worker"));
    assertThat(s.device()).isEqualTo(ComputeDevice.cpu());
  }

  @Test
  void theDeviceIsCpuUnlessAskedAndCopiesKeepIt() {
    Map<String, String> env = env();
    env.put("WORKER_DEVICE", " CPU ");
    WorkerSettings s = WorkerSettings.fromEnv(env);
    assertThat(s.device()).isEqualTo(ComputeDevice.cpu());
    assertThat(s.withDevice(ComputeDevice.gpu(1)).withJobTimeout(Duration.ofMinutes(5)).device())
        .isEqualTo(ComputeDevice.gpu(1));
  }

  @Test
  void aMalformedDeviceIsRefusedNamingTheVariable() {
    Map<String, String> env = env();
    for (String bad : new String[] {"tpu", "gpu:x", "gpu:", "gpu0", "cuda", "auto", "gpu:-1"}) {
      env.put("WORKER_DEVICE", bad);
      assertThatThrownBy(() -> WorkerSettings.fromEnv(env))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessage("WORKER_DEVICE must be cpu, gpu or gpu:N, got '" + bad + "'");
    }
  }

  @Test
  void aGpuTheEngineDoesNotSeeFailsStartUpInsteadOfFallingBackToTheCpu() {
    // On this machine (no GPU): "gpu". On a GPU machine: the first index past its GPUs.
    int gpus = Engine.getInstance().getGpuCount();
    String missing = gpus == 0 ? "gpu" : "gpu:" + gpus;
    Map<String, String> env = env();
    env.put("WORKER_DEVICE", missing);
    assertThatThrownBy(() -> WorkerSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("WORKER_DEVICE=" + missing + ": gpu:" + Math.max(gpus, 0))
        .hasMessageContaining("requested but the engine (PyTorch")
        .hasMessageContaining(gpus == 0 ? "sees no GPU" : "sees " + gpus + " GPU(s)");
  }

  @Test
  void theScratchDirectoryIsConfigurable() {
    Map<String, String> env = env();
    env.put("WORKER_SCRATCH_DIR", "/var/lib/lethe/scratch");
    assertThat(WorkerSettings.fromEnv(env).scratchDir())
        .isEqualTo(Path.of("/var/lib/lethe/scratch"));
    assertThat(WorkerSettings.fromEnv(env).withJobTimeout(Duration.ofMinutes(5)).scratchDir())
        .isEqualTo(Path.of("/var/lib/lethe/scratch"));
    env.put("WORKER_SCRATCH_DIR", "bad\u0000path");
    assertThatThrownBy(() -> WorkerSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WORKER_SCRATCH_DIR");
  }

  @Test
  void theJobTimeoutIsAnIsoDurationOrWholeSeconds() {
    Map<String, String> env = env();
    env.put("WORKER_JOB_TIMEOUT", "PT30M");
    assertThat(WorkerSettings.fromEnv(env).jobTimeout()).isEqualTo(Duration.ofMinutes(30));
    env.put("WORKER_JOB_TIMEOUT", " 90 ");
    assertThat(WorkerSettings.fromEnv(env).jobTimeout()).isEqualTo(Duration.ofSeconds(90));
    for (String bad : new String[] {"30m", "-5", "1.5", "PT", "99999999999999999999999"}) {
      env.put("WORKER_JOB_TIMEOUT", bad);
      assertThatThrownBy(() -> WorkerSettings.fromEnv(env))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("WORKER_JOB_TIMEOUT must be an ISO-8601 duration")
          .hasMessageContaining(bad);
    }
    for (String outOfRange : new String[] {"0", "PT0.5S", "P8D"}) {
      env.put("WORKER_JOB_TIMEOUT", outOfRange);
      assertThatThrownBy(() -> WorkerSettings.fromEnv(env))
          .as(outOfRange)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("WORKER_JOB_TIMEOUT must be from PT1S to PT168H");
    }
  }

  @Test
  void hyperparameterLimitsComeFromTheVariableTheIntakeReadsToo() {
    Map<String, String> env = env();
    env.put("LETHE_HYPERPARAMETER_LIMITS", "retrain.epochs=1..50");
    assertThat(
            WorkerSettings.fromEnv(env)
                .hyperparameterLimits()
                .range(Method.RETRAIN, "epochs")
                .spec())
        .isEqualTo("1..50");
    env.put("LETHE_HYPERPARAMETER_LIMITS", "retrain.epochs=50..1");
    assertThatThrownBy(() -> WorkerSettings.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LETHE_HYPERPARAMETER_LIMITS");
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
