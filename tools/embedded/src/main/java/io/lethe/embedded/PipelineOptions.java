package io.lethe.embedded;

import io.lethe.cli.options.TrainingOptions;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.evaluator.NoiseRule;
import io.lethe.format.data.ImageDataset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code lethe-pipeline} besides the dataset and training ones: the original, the
 * demo event's subjects and DLFD overrides, the registry, ports, gates, timeouts and serving.
 */
final class PipelineOptions {
  @Option(
      names = "--original",
      paramLabel = "DIR",
      description =
          "Register this checkpoint directory (from `lethe train` or an earlier run's"
              + " <dir>/run-<id>/original, printed when it was saved) instead of training; it must"
              + " match the dataset options.")
  Path original;

  @Mixin TorchScriptOriginalOptions torchScript;

  @Option(
      names = "--forget-subjects",
      split = ",",
      paramLabel = "ID",
      description = "Subject ids to forget, comma-separated (e.g. s0001,s0042).")
  Set<String> forgetSubjects = new TreeSet<>();

  @Option(
      names = "--forget-random",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Forget N training subjects drawn at random (seeded). Default when no subject is"
              + " named: 80.")
  int forgetRandom;

  @Option(names = "--forget-seed", defaultValue = "7", description = "Default: ${DEFAULT-VALUE}.")
  long forgetSeed;

  @Option(
      names = "--hyperparameter",
      paramLabel = "KEY=VALUE",
      description =
          "DLFD override carried by the deletion event (repeatable), e.g. perturbationSteps=10."
              + " Default: relativeThreshold=0.5, stepSize=0.01, epochs=2 (the demo's original"
              + " needs more than DLFD's defaults to forget visibly).")
  Map<String, String> hyperparameters = new LinkedHashMap<>();

  @Option(
      names = "--model-id",
      defaultValue = "fmnist-small-cnn",
      description = "Registry model id. Default: ${DEFAULT-VALUE}.")
  String modelId;

  @Option(
      names = "--bucket",
      defaultValue = "lethe-models",
      description =
          "Registry bucket (model versions, aliases and the dataset snapshot). Default:"
              + " ${DEFAULT-VALUE}.")
  String bucket;

  @Option(
      names = "--dir",
      defaultValue = "runs/pipeline",
      description =
          "State directory: the trained original (run-<id>/original), when started here the"
              + " servers' data (servers/kafka, servers/s3), and when serving the API tokens"
              + " (api-tokens); all kept between runs, so serving again on the same DIR resumes."
              + " Default: ${DEFAULT-VALUE}.")
  Path dir;

  @Option(
      names = "--metrics-port",
      defaultValue = "0",
      paramLabel = "PORT",
      description =
          "Intake, worker, evaluator and registry serve /metrics and /health on PORT, PORT+1,"
              + " PORT+2, PORT+3, the registry's API is on PORT+4 (0: any free ports). Default:"
              + " ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(
      names = "--coalesce-window",
      defaultValue = "PT2S",
      converter = DurationConverter.class,
      description = "Intake coalescing window. Default: ${DEFAULT-VALUE}.")
  Duration coalesceWindow;

  @Option(
      names = "--max-forgetting-score",
      defaultValue = "0.1",
      description = "Gate: the new version's |MIA - 0.5| at most this. Default: ${DEFAULT-VALUE}.")
  double maxForgettingScore;

  @Option(
      names = "--max-nomus-drop",
      defaultValue = "0.02",
      description = "Gate: NoMUS at most this far below the parent's. Default: ${DEFAULT-VALUE}.")
  double maxNomusDrop;

  @Option(
      names = "--max-accuracy-drop",
      defaultValue = "0.05",
      description =
          "Gate: test accuracy at most this far below the parent's. Default: ${DEFAULT-VALUE}.")
  double maxAccuracyDrop;

  @Option(
      names = "--noise-band-sigmas",
      defaultValue = "2",
      description =
          "Gate forgettingVsParent: a forgetting score within this many of the attack's std of 0"
              + " passes as 'not measurable at this size'. Default: ${DEFAULT-VALUE}.")
  double noiseBandSigmas;

  @Option(
      names = "--min-drop-sigmas",
      defaultValue = "2",
      description =
          "Gate forgettingVsParent: otherwise the score must fall below the parent's by this many"
              + " std of the difference. Default: ${DEFAULT-VALUE}.")
  double minDropSigmas;

  @Option(
      names = "--min-attack-samples",
      defaultValue = "50",
      description =
          "Gate forgettingVsParent: fewer members or non-members are 'not measurable'. Default:"
              + " ${DEFAULT-VALUE}.")
  int minAttackSamples;

  @Option(
      names = "--timeout",
      defaultValue = "PT15M",
      converter = DurationConverter.class,
      description =
          "Give up when the demo event, training included, takes longer (with --once exit 1;"
              + " serving goes on): ISO-8601 (PT10M) or 90s / 10m. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(
      names = "--once",
      description =
          "Publish the scripted deletion event, follow it until promoted, print the report and"
              + " exit (fresh tokens, consumer groups and dataset id per run) instead of"
              + " serving.")
  boolean once;

  @Option(
      names = "--no-demo",
      description =
          "Serving: send no scripted deletion event, just serve (a registered model is reused"
              + " anyway; a new one is trained and registered first).")
  boolean noDemo;

  @Option(
      names = "--drain-timeout",
      defaultValue = "PT2M",
      converter = DurationConverter.class,
      description =
          "Serving: on SIGTERM, how long a running unlearning job may go on before the services"
              + " stop anyway (the job's request is redelivered after a restart). Default:"
              + " ${DEFAULT-VALUE}.")
  Duration drainTimeout;

  @Option(
      names = "--group-prefix",
      defaultValue = ServingGroups.DEFAULT_PREFIX,
      paramLabel = "PREFIX",
      description =
          "Serving: Kafka consumer groups PREFIX-intake, PREFIX-worker, PREFIX-evaluator,"
              + " PREFIX-registry (a restart resumes from their committed offsets). Default:"
              + " ${DEFAULT-VALUE}, the services' own.")
  String groupPrefix;

  @Option(names = "--no-progress", description = "No progress bars.")
  boolean noProgress;

  @Option(
      names = "--with-retrain",
      description =
          "After the demo event, also retrain the original from scratch without the forgotten"
              + " subjects (as long as training the original) and print it as a reference row: the"
              + " forgetting score of a model that never saw them.")
  boolean withRetrain;

  @Option(names = "--verbose", description = "Show the services' logs.")
  boolean verbose;

  /**
   * Rejects serving options that do not go together.
   *
   * @throws IllegalArgumentException naming them
   */
  void checkServingOptions() {
    if (once && noDemo) {
      throw new IllegalArgumentException("--once runs the demo event: drop --no-demo");
    }
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("--drain-timeout must not be negative: " + drainTimeout);
    }
    ServingGroups.requirePrefix(groupPrefix);
  }

  /**
   * The default: the demo event on a newly registered model (unless --no-demo), then serving until
   * SIGTERM or Ctrl-C.
   *
   * <p>/** The demo event's subjects: those named, plus {@code --forget-random} drawn from {@code
   * dataset}.
   */
  Set<String> subjects(ImageDataset dataset) {
    Set<String> out = new TreeSet<>(forgetSubjects);
    int random =
        forgetRandom == 0 && forgetSubjects.isEmpty() ? DemoDefaults.FORGET_SUBJECTS : forgetRandom;
    if (random > 0) {
      out.addAll(UnlearningSplit.pickSubjects(dataset, random, forgetSeed));
    }
    return out;
  }

  /** The event's DLFD overrides: the options', or the demo's when none is given. */
  Map<String, Object> hyperparameters() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (hyperparameters.isEmpty()) {
      out.putAll(DemoDefaults.EVENT_HYPERPARAMETERS);
    }
    hyperparameters.forEach((k, v) -> out.put(k, scalar(v)));
    return out;
  }

  /** {@code true}/{@code false}, an integer, a decimal number, else the text itself. */
  static Object scalar(String v) {
    String t = v.trim();
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(t);
    }
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException notInteger) {
      try {
        return Double.parseDouble(t);
      } catch (NumberFormatException notNumber) {
        return t;
      }
    }
  }

  /** The pipeline these options describe, on {@code connections}, not started. */
  EmbeddedPipeline.Builder pipeline(
      ServerConnections connections,
      DatasetSource source,
      TrainingOptions training,
      ProgressListener progress) {
    EmbeddedPipeline.Builder builder =
        EmbeddedPipeline.builder(connections, source, dir)
            .optModelId(modelId)
            .optBucket(bucket)
            .optTraining(training.recipe(), training::spec)
            .optHttpPortBase(metricsPort)
            .optCoalesceWindow(coalesceWindow)
            .optGates(
                maxForgettingScore,
                maxNomusDrop,
                new NoiseRule(noiseBandSigmas, minDropSigmas, minAttackSamples))
            .optMaxAccuracyDrop(maxAccuracyDrop)
            .optProgress(progress);
    if (original != null) {
      builder.optOriginal(original);
    }
    if (torchScript.given()) {
      builder.optTorchScript(torchScript.module, torchScript.descriptor);
    }
    if (!once) {
      builder.optServing(groupPrefix, dir.resolve(PipelineTokens.FILE));
    }
    return builder;
  }
}
