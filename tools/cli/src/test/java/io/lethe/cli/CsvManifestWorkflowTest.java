package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.testutils.MufacLikeDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train → unlearn (DLFD and retrain) → evaluate through the CLI on a MUFAC-layout dataset: the path
 * users take with their own face datasets, in seconds.
 */
class CsvManifestWorkflowTest {
  @TempDir Path dir;

  private List<String> dataArgs(MufacLikeDataset.Written data) {
    return data.dataOptions(16, 1);
  }

  /** `lethe train` on the manifest dataset; returns the checkpoint directory. */
  private Path trainOriginal(MufacLikeDataset.Written data, int epochs) {
    Path original = dir.resolve("original");
    List<String> train =
        new ArrayList<>(
            List.of(
                "train",
                "--no-progress",
                "--epochs",
                Integer.toString(epochs),
                "--batch-size",
                "32",
                "--out",
                original.toString()));
    train.addAll(dataArgs(data));
    assertThat(run(train)).as("lethe train exit code").isZero();
    return original;
  }

  private static int run(List<String> args) {
    return LetheCli.run(args.toArray(String[]::new));
  }

  @Test
  void trainsUnlearnsRetrainsAndEvaluatesAManifestDataset() throws Exception {
    MufacLikeDataset.Written data = new MufacLikeDataset(4, 16, 6, 11).write(dir, 40, 10, 12);
    Path original = trainOriginal(data, 3);

    Path dlfd = dir.resolve("dlfd");
    assertThat(
            run(
                List.of(
                    "unlearn",
                    "--no-progress",
                    "--from",
                    original.toString(),
                    "--method",
                    "dlfd",
                    "--forget-subjects",
                    "p0001,p0002",
                    "--perturbation-steps",
                    "2",
                    "--out",
                    dlfd.toString())))
        .isZero();
    Path retrained = dir.resolve("retrained");
    assertThat(
            run(
                List.of(
                    "unlearn",
                    "--no-progress",
                    "--from",
                    original.toString(),
                    "--method",
                    "retrain",
                    "--forget-subjects",
                    "p0001,p0002",
                    "--epochs",
                    "1",
                    "--batch-size",
                    "32",
                    "--out",
                    retrained.toString())))
        .isZero();

    CheckpointManifest m = Checkpoints.readManifest(dlfd);
    assertThat(m.forgottenSubjects()).containsExactly("p0001", "p0002");
    assertThat(m.dataset().source()).containsEntry("format", "mufac");
    assertThat(Checkpoints.readManifest(retrained).method()).isEqualTo("retrain");
    assertThat(Checkpoints.readManifest(retrained).parent().id())
        .isEqualTo(Checkpoints.readManifest(original).id());

    Path eval = dir.resolve("eval");
    assertThat(
            run(
                List.of(
                    "evaluate",
                    "--no-progress",
                    "--checkpoint",
                    "Original=" + original,
                    "--checkpoint",
                    "DLFD=" + dlfd,
                    "--checkpoint",
                    "Retrained=" + retrained,
                    "--out",
                    eval.toString())))
        .isZero();
    String table = Files.readString(eval.resolve("results.md"));
    assertThat(table).contains("| Original |", "| DLFD |", "| Retrained |");
    assertThat(eval.resolve("loss-histograms.png")).isRegularFile();
    // 2 forgotten subjects x 6 images, 12 unseen subjects x 6 images, 10 test subjects x 6.
    assertThat(Files.readAllLines(eval.resolve("losses-dlfd.csv"))).hasSize(1 + 12 + 72 + 60);
  }

  @Test
  void forgettingAnUnknownSubjectFailsAndWritesNothing() {
    MufacLikeDataset.Written data = new MufacLikeDataset(4, 16, 6, 11).write(dir, 20, 5, 5);
    Path original = trainOriginal(data, 1);
    Path out = dir.resolve("never");
    assertThat(
            run(
                List.of(
                    "unlearn",
                    "--no-progress",
                    "--from",
                    original.toString(),
                    "--forget-subjects",
                    "nobody",
                    "--out",
                    out.toString())))
        .isEqualTo(2);
    assertThat(out).doesNotExist();
  }
}
