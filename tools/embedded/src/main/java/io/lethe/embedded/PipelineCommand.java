package io.lethe.embedded;

import io.lethe.cli.console.ConsoleProgress;
import io.lethe.cli.options.DatasetOptions;
import io.lethe.cli.options.TrainingOptions;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.evaluator.NoiseRule;
import io.lethe.format.data.ImageDataset;
import io.lethe.infra.LocalServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code java -jar tools/embedded/target/lethe-pipeline.jar}: the user story in one command. Real
 * Kafka and S3 (started as child processes unless {@code KAFKA_BOOTSTRAP_SERVERS} and {@code S3_*}
 * name running ones), the dataset uploaded to the registry, an original model registered as v1 with
 * the {@code production} alias, intake, worker, evaluator and the registry service in this process,
 * a deletion event in, an evaluated version out that the registry service promotes. Its sub-command
 * {@code register} ({@link RegisterCommand}) only registers the model and exits.
 */
@Command(
    name = "lethe-pipeline",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    defaultValueProvider = DemoDefaults.class,
    subcommands = RegisterCommand.class,
    description = {
      "Runs the Lethe pipeline in one process: starts Kafka and S3 (or uses KAFKA_BOOTSTRAP_SERVERS"
          + " and S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY/S3_REGION when set), uploads the dataset"
          + " to the registry (a fresh dataset id per run), trains or loads an original model and"
          + " registers it as v1 naming that dataset (alias production), starts the registry"
          + " service (HTTP API + automatic promotion), intake (subjects resolved through the"
          + " registry), worker and evaluator, publishes a deletion event for the chosen subjects"
          + " to lethe.deletion-events, follows the job on lethe.job-progress, waits for the"
          + " evaluation on lethe.evaluations and for the registry's API to show production on the"
          + " new version, and prints the report with the registry's and the metrics' URLs.",
      "Runs on Fashion-MNIST (/usr/share/datasets/fashion-mnist) by default.",
      "",
      "By default it then keeps serving (a demo that stops after one event would leave a user"
          + " with nothing to send their own deletions to): deletions over HTTP (POST"
          + " /v1/deletions on the intake, bearer token from <dir>/api-tokens) and on"
          + " lethe.deletion-events, one line per request as it is emitted, unlearned, evaluated"
          + " and promoted, until SIGTERM or Ctrl-C. Then it drains: the intake stops, a running"
          + " unlearning job may finish (--drain-timeout), the worker, evaluator and registry"
          + " stop, then the servers it started. The services consume in stable consumer groups"
          + " (--group-prefix) and the servers keep their data under --dir, so the next start"
          + " with the same --dir resumes where this one stopped: the model already in the"
          + " registry is reused (not retrained, no second demo event), the tokens in"
          + " <dir>/api-tokens stay valid, and an accepted deletion not yet unlearned is"
          + " redelivered. --once runs the scripted event only and exits (the old behaviour).",
      "",
      "`lethe-pipeline register` only registers the model in the registry of running services"
          + " and exits (no services, no demo event): see `lethe-pipeline register --help`."
    },
    footer = {
      "",
      "Exit status when serving: 0 stopped by SIGTERM or Ctrl-C and drained; 130 a second"
          + " signal cut the drain short; 1 it failed to start; 2 bad options.",
      "Exit status with --once: 0 the new version passed its gates and the registry promoted it"
          + " to production; 3 it was evaluated but failed its gates (not promoted); 1 the run"
          + " failed or timed out (the registry not promoting a passing version in time included);"
          + " 2 bad options."
    })
public final class PipelineCommand implements Callable<Integer> {
  static final int GATES_FAILED = 3;

  @Mixin DatasetOptions data;
  @Mixin TrainingOptions training;

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
              + " exit (fresh tokens, consumer groups and dataset id per run), as before serving"
              + " became the default.")
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

  private PipelineRun run;

  /** The last run, for callers that check it. */
  public PipelineRun run() {
    return run;
  }

  public static void main(String[] args) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    EmbeddedRuntime.configure(verbose);
    System.exit(new CommandLine(new PipelineCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    DatasetSource source;
    try {
      source = data.toSource();
    } catch (IllegalArgumentException e) {
      System.err.println("lethe-pipeline: " + e.getMessage());
      return 2;
    }
    Map<String, Object> overrides = hyperparameters();
    Optional<ServerConnections> given;
    try {
      given = ServerConnections.fromEnvironment(System.getenv());
      checkServingOptions();
      torchScript.check(original);
    } catch (IllegalArgumentException e) {
      System.err.println("lethe-pipeline: " + e.getMessage());
      return 2;
    }
    LocalServers servers = null;
    Thread hook = null;
    EmbeddedPipeline[] pipeline = new EmbeddedPipeline[1];
    try {
      ServerConnections connections;
      if (given.isPresent()) {
        connections = given.get();
        System.out.printf(
            "servers: using Kafka %s and S3 %s%n",
            connections.kafkaBootstrapServers(), connections.s3Endpoint());
      } else {
        System.out.println("servers: starting Kafka (KRaft) and S3 (s3proxy) as child processes");
        servers = new LocalServers(dir.resolve("servers")).start();
        connections = ServerConnections.of(servers);
        System.out.printf(
            "servers: Kafka %s, S3 %s%n",
            connections.kafkaBootstrapServers(), connections.s3Endpoint());
      }
      LocalServers owned = servers;
      // Ctrl-C: stop the services and the child servers, leave no process behind.
      hook =
          new Thread(
              () -> {
                if (pipeline[0] != null) {
                  pipeline[0].close();
                }
                if (owned != null) {
                  owned.close();
                }
              },
              "lethe-pipeline-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);

      ConsoleProgress progress = new ConsoleProgress(!noProgress);
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
      pipeline[0] = builder.build().start();
      if (!once) {
        return serve(pipeline[0], connections, overrides, started);
      }
      Set<String> subjects = subjects(pipeline[0].dataset());
      Duration left = timeout.minusNanos(System.nanoTime() - started);
      if (left.isNegative() || left.isZero()) {
        throw new TimeoutException("--timeout " + timeout + " passed before the event was sent");
      }
      run = pipeline[0].forget(subjects, overrides, left);
      EmbeddedPipeline.RetrainedReference reference = null;
      if (withRetrain) {
        System.out.printf(
            "%nretraining a reference from scratch without the %d subject(s) (as long as the"
                + " original's training)%n",
            run.subjects().size());
        reference = pipeline[0].retrainedReference(run.subjects());
      }
      PipelineReport.print(
          System.out,
          run,
          reference,
          pipeline[0].registryApiUrl(),
          pipeline[0].metricsUrls(),
          java.util.Optional.of(pipeline[0].tokensFile()));
      System.out.printf(Locale.ROOT, "%nDone in %.0f s.%n", (System.nanoTime() - started) / 1e9);
      return run.promoted() ? 0 : GATES_FAILED;
    } catch (TimeoutException | PipelineException e) {
      System.err.println("lethe-pipeline: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      System.err.println("lethe-pipeline: " + e.getMessage());
      return 2;
    } finally {
      if (pipeline[0] != null) {
        pipeline[0].close();
      }
      if (servers != null) {
        servers.close();
      }
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
      }
    }
  }

  private void checkServingOptions() {
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
   */
  private int serve(
      EmbeddedPipeline pipeline,
      ServerConnections connections,
      Map<String, Object> overrides,
      long started)
      throws Exception {
    if (!noDemo && !pipeline.reusedRegistered()) {
      PipelineServer.printEndpoints(pipeline, connections.kafkaBootstrapServers(), System.out);
      System.out.println();
      try {
        Duration left = timeout.minusNanos(System.nanoTime() - started);
        if (left.isNegative() || left.isZero()) {
          throw new TimeoutException("--timeout " + timeout + " passed before the event was sent");
        }
        run = pipeline.forget(subjects(pipeline.dataset()), overrides, left);
        EmbeddedPipeline.RetrainedReference reference =
            withRetrain ? pipeline.retrainedReference(run.subjects()) : null;
        PipelineReport.print(
            System.out,
            run,
            reference,
            pipeline.registryApiUrl(),
            pipeline.metricsUrls(),
            Optional.of(pipeline.tokensFile()));
      } catch (TimeoutException | PipelineException e) {
        System.out.println("demo: " + e.getMessage() + "; serving anyway");
      }
    }
    PipelineServer server =
        new PipelineServer(pipeline, connections.kafkaBootstrapServers(), drainTimeout, System.out);
    StopSignals.install(server::stop);
    System.out.printf(Locale.ROOT, "%nUp in %.0f s.%n", (System.nanoTime() - started) / 1e9);
    server.serve();
    return 0;
  }

  private Set<String> subjects(ImageDataset dataset) {
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

  /** ISO-8601 ({@code PT10M}) or a number with unit s, m or h ({@code 90s}, {@code 10m}). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("pt") || v.startsWith("p")) {
          return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        switch (v.charAt(v.length() - 1)) {
          case 's':
            return Duration.ofSeconds(n);
          case 'm':
            return Duration.ofMinutes(n);
          case 'h':
            return Duration.ofHours(n);
          default:
            break;
        }
      } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
        // fall through to the message below
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration: use PT10M, 90s, 10m or 1h");
    }
  }
}
