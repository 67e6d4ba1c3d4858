package io.lethe.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.testutils.ClassFolderDataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Bring your own data": a class-folder face-style dataset (emotion folders, subjects in the file
 * names, no split shipped) goes through train → unlearn → evaluate without writing a CSV, and every
 * command names the classes as the folders do.
 */
class ClassFolderWorkflowTest {
  private static final String CLASSES = "3 classes [anger, happy, neutral]";

  @TempDir Path dir;

  /** Runs the CLI; returns its standard output, failing on a non-zero exit code. */
  private static String run(List<String> args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, UTF_8));
    int code;
    try {
      code = LetheCli.run(args.toArray(String[]::new));
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(UTF_8);
    old.print(out);
    assertThat(code).as("exit code of lethe %s; output:%n%s", args.get(0), out).isZero();
    return out;
  }

  @Test
  void trainsUnlearnsAndEvaluatesAClassFolderDatasetNamingItsClassesAsTheFoldersDo()
      throws Exception {
    ClassFolderDataset.Written data =
        new ClassFolderDataset(List.of("neutral", "happy", "anger"), 16, 6, 3).write(dir, 8);
    Path original = dir.resolve("original");
    List<String> train =
        new ArrayList<>(
            List.of(
                "train",
                "--no-progress",
                "--epochs",
                "2",
                "--batch-size",
                "16",
                "--out",
                original.toString(),
                "--test-fraction",
                "0.25",
                "--unseen-fraction",
                "0.25"));
    train.addAll(data.dataOptions(16, 1));

    String trained = run(train);
    // 8 subjects: 2 unseen, 2 test, 4 train, every image of a subject in one part.
    assertThat(trained)
        .contains("dataset faces: 48 images 16x16x1, " + CLASSES)
        .contains("subjects: 4 train, 2 test, 2 unseen");
    CheckpointManifest m = Checkpoints.readManifest(original);
    assertThat(m.labelSchema().names()).containsExactly("anger", "happy", "neutral");
    assertThat(m.dataset().source())
        .containsEntry("kind", "folders")
        .containsEntry("subjectPattern", ClassFolderDataset.SUBJECT_PATTERN);

    Path dlfd = dir.resolve("dlfd");
    String unlearned =
        run(
            List.of(
                "unlearn",
                "--no-progress",
                "--from",
                original.toString(),
                "--method",
                "dlfd",
                "--forget-random",
                "1",
                "--perturbation-steps",
                "2",
                "--out",
                dlfd.toString()));
    assertThat(unlearned).contains(CLASSES);
    List<String> forgotten = List.copyOf(Checkpoints.readManifest(dlfd).forgottenSubjects());
    assertThat(forgotten).hasSize(1).allMatch(s -> s.matches("S\\d{3}"));

    Path eval = dir.resolve("eval");
    String evaluated =
        run(
            List.of(
                "evaluate",
                "--no-progress",
                "--checkpoint",
                "Original=" + original,
                "--checkpoint",
                "DLFD=" + dlfd,
                "--out",
                eval.toString()));
    assertThat(evaluated).contains(CLASSES, "| Original |", "| DLFD |");
    // 1 forgotten subject x 6 images, 2 unseen x 6, 2 test x 6, plus the header.
    assertThat(Files.readAllLines(eval.resolve("losses-dlfd.csv"))).hasSize(1 + 6 + 12 + 12);
  }
}
