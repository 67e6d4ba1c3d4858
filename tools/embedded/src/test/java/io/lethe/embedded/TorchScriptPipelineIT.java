package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.lethe.api.Method;
import io.lethe.api.ModelVersionManifest;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.InputNormalizer;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.model.TorchScriptDescriptor;
import io.lethe.infra.ServerEnvironment;
import io.lethe.testutils.TorchScriptFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * "Bring your own model" through the services, against real Kafka and S3 ({@link
 * ServerEnvironment}): a CNN trained and scripted by PyTorch (the TorchScript fixture of
 * lethe-test-utils) is registered as the original instead of a trained one, a deletion event for
 * three subjects goes to {@code lethe.deletion-events}, the worker unlearns it with DLFD, the
 * evaluator gates it and the registry promotes it; the promoted version is a TorchScript module,
 * and that module, read from S3 by plain DJL as {@code torch.jit.load} would, predicts exactly what
 * the engine computes from the same checkpoint.
 *
 * <p>Small on purpose: 400 Fashion-MNIST training images, one DLFD epoch.
 */
class TorchScriptPipelineIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(6);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String model = "torchscript-it-" + run;
  private final Path dir = Path.of("target", "torchscript-it-" + run).toAbsolutePath();

  @Test
  void aTorchScriptOriginalIsUnlearnedEvaluatedPromotedAndExportedAsTorchScript() throws Exception {
    assertThat(IdxDatasetReader.FASHION_MNIST_DIR)
        .as("Fashion-MNIST is missing (Debian's dataset-fashion-mnist)")
        .isDirectory();
    long t0 = System.nanoTime();
    Path in = dir.resolve("in");
    TorchScriptFixtures.copyTo(in, "model.pt", "model.json");
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    ServerConnections servers =
        new ServerConnections(
            ServerEnvironment.kafkaBootstrapServers(),
            s3.endpoint(),
            s3.accessKey(),
            s3.secretKey(),
            s3.region());
    DatasetSource source =
        DatasetSource.idx(
            "fashion-mnist", IdxDatasetReader.FASHION_MNIST_DIR, 400, 200, 10, 0.25, 0, 1);
    PipelineRun result;
    ModelVersionManifest original;
    byte[] exported;
    CheckpointManifest checkpoint;
    double startSeconds;
    double forgetSeconds;
    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.builder(servers, source, dir.resolve("work"))
            .optModelId(model)
            .optBucket("lethe-torchscript-it-" + run)
            .optTorchScript(in.resolve("model.pt"), in.resolve("model.json"))
            .optCoalesceWindow(Duration.ofSeconds(1))
            .build()) {
      pipeline.start();
      startSeconds = (System.nanoTime() - t0) / 1e9;
      original = pipeline.original();
      assertThat(original.method()).isEqualTo(Method.IMPORT);
      assertThat(original.format()).isEqualTo(ModelVersionManifest.FORMAT_TORCHSCRIPT);
      Set<String> subjects = UnlearningSplit.pickSubjects(pipeline.dataset(), 3, 7);
      long f0 = System.nanoTime();
      result =
          pipeline.forget(
              subjects,
              Map.of("epochs", 1, "perturbationSteps", 2, "relativeThreshold", 0.5),
              TIMEOUT);
      forgetSeconds = (System.nanoTime() - f0) / 1e9;
      assertThat(result.promoted()).as("gates %s", result.gates()).isTrue();
      assertThat(result.version().subjectsForgotten()).containsExactlyElementsOf(subjects);
      exported = pipeline.store().parameters(model, result.version().version());
      checkpoint =
          CheckpointManifest.fromJson(
              pipeline.store().checkpointJson(model, result.version().version()));
    }
    ModelVersionManifest v = result.version();
    assertThat(v.parentVersion()).isEqualTo(original.version());
    assertThat(v.method()).isEqualTo(Method.DLFD);
    assertThat(v.format()).isEqualTo(ModelVersionManifest.FORMAT_TORCHSCRIPT);
    assertThat(result.productionVersion()).isEqualTo(v.version());
    assertThat(checkpoint.format()).isEqualTo("torchscript");

    // The promoted version's parameters.bin is the module: torch.jit.load (here plain DJL, no
    // Lethe code) reads it and predicts what the engine predicts from the same checkpoint.
    TorchScriptDescriptor descriptor = checkpoint.torchScriptDescriptor();
    Path export = Files.createDirectories(dir.resolve("export"));
    Files.write(export.resolve("model.pt"), exported);
    try (Classifier engine = io.lethe.engine.checkpoint.Checkpoints.restore(checkpoint, exported);
        NDManager m = engine.manager().newSubManager();
        Model plain = Model.newInstance("exported", "PyTorch")) {
      NDArray pixels = m.randomUniform(0, 1, new Shape(16, 1, 28, 28));
      float[] expected = engine.predict(pixels).get(0).toFloatArray();
      plain.load(export, "model", Map.of());
      NDArray x =
          InputNormalizer.apply(
              descriptor.normalization(),
              plain.getNDManager().create(pixels.toFloatArray(), pixels.getShape()));
      NDList out =
          plain
              .getBlock()
              .forward(new ParameterStore(plain.getNDManager(), false), new NDList(x), false);
      assertThat(out.get(0).toFloatArray()).containsExactly(expected);
    }
    System.out.printf(
        Locale.ROOT,
        "torchscript-it timings: start (import, upload, services) %.1f s; deletion event to"
            + " promoted version %.1f s; total %.1f s; test accuracy %.3f -> %.3f, forgetting"
            + " score %.3f%n",
        startSeconds,
        forgetSeconds,
        (System.nanoTime() - t0) / 1e9,
        result.parentReport().testAccuracy(),
        result.report().testAccuracy(),
        result.report().forgettingScore());
  }
}
