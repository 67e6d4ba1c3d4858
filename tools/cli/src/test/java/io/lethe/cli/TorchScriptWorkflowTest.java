package io.lethe.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.checkpoint.LoadedCheckpoint;
import io.lethe.engine.model.InputNormalizer;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.model.TorchScriptDescriptor;
import io.lethe.testutils.TorchScriptFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Bring your own model" from the command line: a CNN trained and scripted by PyTorch (the
 * TorchScript fixture) is imported on 400 Fashion-MNIST images, unlearned by DLFD, evaluated and
 * exported; the exported module, read by plain DJL as torch.jit.load would, predicts what the
 * engine predicts for the unlearned checkpoint.
 */
class TorchScriptWorkflowTest {
  @TempDir Path dir;

  private static String run(int expectedCode, String... args) {
    PrintStream old = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, UTF_8));
    System.setErr(new PrintStream(buf, true, UTF_8));
    int code;
    try {
      code = LetheCli.run(args);
    } finally {
      System.setOut(old);
      System.setErr(oldErr);
    }
    String out = buf.toString(UTF_8);
    old.print(out);
    assertThat(code).as("exit code of lethe %s; output:%n%s", args[0], out).isEqualTo(expectedCode);
    return out;
  }

  @Test
  void importsUnlearnsEvaluatesAndExportsATorchScriptModel() throws Exception {
    Path in = dir.resolve("in");
    TorchScriptFixtures.copyTo(in, "model.pt", "model.json");
    Path original = dir.resolve("original");
    String imported =
        run(
            0,
            "import",
            "--torchscript",
            in.resolve("model.pt").toString(),
            "--descriptor",
            in.resolve("model.json").toString(),
            "--train-limit",
            "400",
            "--test-limit",
            "100",
            "--out",
            original.toString());
    assertThat(imported).contains("(torchscript, imported from model.pt)");
    CheckpointManifest m = Checkpoints.readManifest(original);
    assertThat(m.format()).isEqualTo("torchscript");
    assertThat(m.method()).isEqualTo("import");

    Path dlfd = dir.resolve("dlfd");
    run(
        0,
        "unlearn",
        "--no-progress",
        "--from",
        original.toString(),
        "--forget-random",
        "1",
        "--unlearn-epochs",
        "1",
        "--perturbation-steps",
        "2",
        "--out",
        dlfd.toString());
    assertThat(Checkpoints.readManifest(dlfd).format()).isEqualTo("torchscript");
    assertThat(Checkpoints.readManifest(dlfd).parent().id()).isEqualTo(m.id());

    String evaluated =
        run(
            0,
            "evaluate",
            "--no-progress",
            "--checkpoint",
            "Original=" + original,
            "--checkpoint",
            "DLFD=" + dlfd,
            "--out",
            dir.resolve("eval").toString());
    assertThat(evaluated).contains("| Original |", "| DLFD |");

    Path export = dir.resolve("export");
    run(0, "export", "--from", dlfd.toString(), "--out", export.toString());
    TorchScriptDescriptor d =
        TorchScriptDescriptor.fromJson(Files.readString(export.resolve("model.json")));
    assertThat(d).isEqualTo(Checkpoints.readManifest(dlfd).torchScriptDescriptor());
    try (LoadedCheckpoint engine = Checkpoints.load(dlfd);
        NDManager m1 = engine.classifier().manager().newSubManager();
        Model plain = Model.newInstance("exported", "PyTorch")) {
      NDArray pixels = m1.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(6, 1, 28, 28));
      float[] expected = engine.classifier().predict(pixels).get(0).toFloatArray();
      plain.load(export, "model", Map.of());
      NDArray x =
          InputNormalizer.apply(
              d.normalization(),
              plain.getNDManager().create(pixels.toFloatArray(), pixels.getShape()));
      NDList out =
          plain
              .getBlock()
              .forward(new ParameterStore(plain.getNDManager(), false), new NDList(x), false);
      assertThat(out.get(0).toFloatArray()).containsExactly(expected);
    }
  }

  @Test
  void refusesWhatATorchScriptModelCannotDo() throws Exception {
    Path in = dir.resolve("in");
    TorchScriptFixtures.copyTo(in, "model.pt", "model.json");
    Path original = dir.resolve("original");
    run(
        0,
        "import",
        "--torchscript",
        in.resolve("model.pt").toString(),
        "--descriptor",
        in.resolve("model.json").toString(),
        "--train-limit",
        "200",
        "--test-limit",
        "50",
        "--out",
        original.toString());
    String retrain =
        run(
            2,
            "unlearn",
            "--from",
            original.toString(),
            "--method",
            "retrain",
            "--forget-random",
            "1",
            "--out",
            dir.resolve("r").toString());
    assertThat(retrain).contains("retrain is not supported for TorchScript models");
    Path swapped = in.resolve("swapped.json");
    Files.writeString(
        swapped,
        Files.readString(in.resolve("model.json"))
            .replace("\"T-shirt/top\"", "\"TMP\"")
            .replace("\"Trouser\"", "\"T-shirt/top\"")
            .replace("\"TMP\"", "\"Trouser\""));
    String wrongOrder =
        run(
            2,
            "import",
            "--torchscript",
            in.resolve("model.pt").toString(),
            "--descriptor",
            swapped.toString(),
            "--train-limit",
            "200",
            "--test-limit",
            "50",
            "--out",
            dir.resolve("x").toString());
    assertThat(wrongOrder).contains("are not dataset", "in the same order");
    String noExport =
        run(
            2,
            "export",
            "--from",
            dir.resolve("x").toString(),
            "--out",
            dir.resolve("e").toString());
    assertThat(noExport).contains("does not exist");
  }
}
