package io.lethe.embedded;

import io.lethe.cli.console.ConsoleProgress;
import io.lethe.cli.options.DatasetOptions;
import io.lethe.cli.options.TrainingOptions;
import io.lethe.engine.data.DatasetSource;
import io.lethe.registry.store.DatasetStore;
import io.lethe.registry.store.ModelStore;
import io.lethe.registry.store.S3Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe-pipeline register}: puts an original model into a running deployment's registry
 * ({@link OriginalRegistration#registerIfAbsent()}) and exits. Only S3 is used: no Kafka, no
 * services, no deletion event, no API tokens. Compose's one-shot {@code seed} runs it.
 */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    defaultValueProvider = DemoDefaults.class,
    description = {
      "Registers an original model in the registry of running services and exits: uploads the"
          + " dataset snapshot (a fresh dataset id), trains the original (or loads --original, or"
          + " imports a TorchScript module with --torchscript/--descriptor),"
          + " stores it as v1 naming that dataset and sets the alias production, unless the model"
          + " already has a production version (then nothing changes: safe to run again). Starts"
          + " no service, publishes no event, writes no API tokens.",
      "S3 from S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY and S3_REGION, each also as a file:"
          + " S3_ACCESS_KEY_FILE=/run/secrets/s3-access-key. Kafka is not used."
    },
    footer = {
      "",
      "Exit status: 0 registered now, or already registered; 1 it failed (S3 unreachable,"
          + " training failed, a model with versions but no alias); 2 bad options or settings."
    })
public final class RegisterCommand implements Callable<Integer> {
  @Mixin DatasetOptions data;
  @Mixin TrainingOptions training;

  @Option(
      names = "--original",
      paramLabel = "DIR",
      description =
          "Register this checkpoint directory (from `lethe train` or an earlier run) instead of"
              + " training; it must match the dataset options.")
  Path original;

  @Mixin TorchScriptOriginalOptions torchScript;

  @Option(
      names = "--model-id",
      defaultValue = "fmnist-small-cnn",
      description = "Registry model id. Default: ${DEFAULT-VALUE}.")
  String modelId;

  @Option(
      names = "--bucket",
      defaultValue = "lethe-models",
      description =
          "Registry bucket (model versions, aliases and the dataset snapshot; the services'"
              + " S3_BUCKET and S3_DATASET_BUCKET). Default: ${DEFAULT-VALUE}.")
  String bucket;

  @Option(
      names = "--dataset-id",
      paramLabel = "ID",
      description =
          "Registry dataset id of the snapshot (default: <dataset name>-<random run id>, fresh per"
              + " registration).")
  String datasetId;

  @Option(
      names = "--dir",
      defaultValue = "runs/pipeline",
      description =
          "Where a trained original is kept (run-<id>/original, reusable with --original)."
              + " Default: ${DEFAULT-VALUE}.")
  Path dir;

  @Option(names = "--no-progress", description = "No progress bars.")
  boolean noProgress;

  @Option(names = "--verbose", description = "Show the libraries' logs.")
  boolean verbose;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private OriginalRegistration.Result result;

  /** Reads the process environment, writes to standard output and error. */
  public RegisterCommand() {
    this(System.getenv(), System.out, System.err);
  }

  RegisterCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** What the last call found or did; empty before a call or after a failure. */
  public Optional<OriginalRegistration.Result> result() {
    return Optional.ofNullable(result);
  }

  @Override
  public Integer call() {
    long started = System.nanoTime();
    DatasetSource source;
    S3Settings s3;
    try {
      source = data.toSource();
      s3 =
          ServerConnections.s3FromEnvironment(env, bucket)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "S3_ENDPOINT is not set: register writes to the registry of running"
                              + " services (S3_ENDPOINT, S3_ACCESS_KEY(_FILE),"
                              + " S3_SECRET_KEY(_FILE))"));
      torchScript.check(original);
    } catch (IllegalArgumentException e) {
      err.println("lethe-pipeline register: " + e.getMessage());
      return 2;
    }
    out.printf("registry: S3 %s, bucket %s, model %s%n", s3.endpoint(), s3.bucket(), modelId);
    try {
      OriginalRegistration.Builder builder =
          OriginalRegistration.builder(new ModelStore(s3), new DatasetStore(s3), source, dir)
              .optModelId(modelId)
              .optDatasetId(datasetId)
              .optOriginal(original)
              .optTraining(training.recipe(), training::spec)
              .optProgress(new ConsoleProgress(!noProgress))
              .optLog(out);
      if (torchScript.given()) {
        builder.optTorchScript(torchScript.module, torchScript.descriptor);
      }
      OriginalRegistration registration = builder.build();
      result = registration.registerIfAbsent();
    } catch (IllegalArgumentException e) {
      err.println("lethe-pipeline register: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("lethe-pipeline register: failed: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return 1;
    }
    OriginalRegistration.Result r = result;
    out.printf(
        Locale.ROOT,
        "register: %s %s v%d (%s, dataset %s) in %.0f s%n",
        modelId,
        switch (r.outcome()) {
          case REGISTERED -> "registered as";
          case ALIAS_SET -> "completed: alias set on";
          case ALREADY_REGISTERED -> "already registered,";
        },
        r.version().version(),
        OriginalRegistration.ALIAS,
        r.datasetId(),
        (System.nanoTime() - started) / 1e9);
    return 0;
  }
}
