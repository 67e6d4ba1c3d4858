package io.lethe.embedded;

import io.lethe.cli.console.ConsoleProgress;
import io.lethe.cli.options.DatasetOptions;
import io.lethe.cli.options.TrainingOptions;
import io.lethe.engine.data.DatasetSource;
import io.lethe.infra.LocalServers;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code java -jar tools/embedded/target/lethe-pipeline.jar}: the user story in one command. Real
 * Kafka and S3 (started as child processes unless {@code KAFKA_BOOTSTRAP_SERVERS} and {@code S3_*}
 * name running ones), the dataset uploaded to the registry, an original model registered as v1 with
 * the {@code production} alias, intake, worker, evaluator and the registry service in this process,
 * a deletion event in, an evaluated version out that the registry service promotes. Its sub-command
 * {@code register} ({@link RegisterCommand}) only registers the model and exits.
 *
 * <p>The options are {@link DatasetOptions}, {@link TrainingOptions} and {@link PipelineOptions};
 * the pipeline is an {@link EmbeddedPipeline}, kept serving by {@link PipelineServer}; the demo
 * event's outcome is printed by {@link PipelineReport}.
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
          + " redelivered. --once runs the scripted event only and exits.",
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
  @Mixin PipelineOptions options;

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
      options.checkServingOptions();
      options.torchScript.check(options.original);
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
        servers = new LocalServers(options.dir.resolve("servers")).start();
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

      ConsoleProgress progress = new ConsoleProgress(!options.noProgress);
      pipeline[0] = options.pipeline(connections, source, training, progress).build().start();
      if (!options.once) {
        return serve(pipeline[0], connections, overrides, started);
      }
      Set<String> subjects = options.subjects(pipeline[0].dataset());
      run = pipeline[0].forget(subjects, overrides, timeLeft(started));
      EmbeddedPipeline.RetrainedReference reference = null;
      if (options.withRetrain) {
        System.out.printf(
            "%nretraining a reference from scratch without the %d subject(s) (as long as the"
                + " original's training)%n",
            run.subjects().size());
        reference = pipeline[0].retrainedReference(run.subjects());
      }
      print(pipeline[0], reference);
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
    if (!options.noDemo && !pipeline.reusedRegistered()) {
      PipelineServer.printEndpoints(pipeline, connections.kafkaBootstrapServers(), System.out);
      System.out.println();
      try {
        run = pipeline.forget(options.subjects(pipeline.dataset()), overrides, timeLeft(started));
        EmbeddedPipeline.RetrainedReference reference =
            options.withRetrain ? pipeline.retrainedReference(run.subjects()) : null;
        print(pipeline, reference);
      } catch (TimeoutException | PipelineException e) {
        System.out.println("demo: " + e.getMessage() + "; serving anyway");
      }
    }
    PipelineServer server =
        new PipelineServer(
            pipeline, connections.kafkaBootstrapServers(), options.drainTimeout, System.out);
    StopSignals.install(server::stop);
    System.out.printf(Locale.ROOT, "%nUp in %.0f s.%n", (System.nanoTime() - started) / 1e9);
    server.serve();
    return 0;
  }

  /**
   * What is left of {@code --timeout} since {@code started}.
   *
   * @throws TimeoutException if nothing is
   */
  private Duration timeLeft(long started) throws TimeoutException {
    Duration left = options.timeout.minusNanos(System.nanoTime() - started);
    if (left.isNegative() || left.isZero()) {
      throw new TimeoutException(
          "--timeout " + options.timeout + " passed before the event was sent");
    }
    return left;
  }

  /** The demo event's report, with the registry's and the metrics' URLs. */
  private void print(EmbeddedPipeline pipeline, EmbeddedPipeline.RetrainedReference reference) {
    PipelineReport.print(
        System.out,
        run,
        reference,
        pipeline.registryApiUrl(),
        pipeline.metricsUrls(),
        Optional.of(pipeline.tokensFile()));
  }

  /** The event's DLFD overrides: the options', or the demo's when none is given. */
  Map<String, Object> hyperparameters() {
    return options.hyperparameters();
  }
}
