package io.lethe.bench.unlearning;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.testutils.ClassFolderDataset;
import io.lethe.testutils.MufacLikeDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole {@code unlearning} command on a tiny Fashion-MNIST subset (Debian's
 * dataset-fashion-mnist) with the small CNN, one seed and grid tuning: every row, every file. And
 * the same command on a MUFAC-layout CSV manifest dataset, the path users take with the face sets.
 */
class UnlearningBenchmarkIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static OutputStream tee(OutputStream first, OutputStream second) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        first.write(b);
        second.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        first.write(b, off, len);
        second.write(b, off, len);
      }
    };
  }

  @Test
  void writesBothTablesTheFigureAndTheRunRecordForEveryMethod(@TempDir Path out) throws Exception {
    UnlearningBenchmark command = new UnlearningBenchmark();
    // The status lines go to System.err; keep a copy to check that tuning reports as it goes.
    PrintStream stderr = System.err;
    ByteArrayOutputStream status = new ByteArrayOutputStream();
    System.setErr(new PrintStream(tee(stderr, status), true, UTF_8));
    int exit;
    try {
      exit =
          new CommandLine(command)
              .execute(
                  "--data",
                  "fashion-mnist",
                  "--train-limit",
                  "240",
                  "--test-limit",
                  "100",
                  "--arch",
                  "small-cnn",
                  "--epochs",
                  "3",
                  "--seeds",
                  "1",
                  "--tune",
                  "grid",
                  "--set",
                  "dlfd.perturbationSteps=2",
                  "--grid",
                  "dlfd.learningRate=0.002|0.008",
                  "--grid",
                  "dlfd.stepSize=0.001|0.003",
                  "--no-progress",
                  "--out",
                  out.toString());
    } finally {
      System.setErr(stderr);
    }

    assertThat(exit).isZero();
    // Every trial's validation score and the choice are printed when the method's grid is done.
    assertThat(status.toString(UTF_8))
        .containsPattern("tuning DLFD \\{[^}]*\\}: validation acc [0-9.]+, MIA [0-9.]+, NoMUS")
        .containsPattern("tuning DLFD: chose \\{[^}]*stepSize=");
    String table1 = Files.readString(out.resolve("table1.md"));
    for (String label :
        new String[] {
          "Original",
          "Retrain",
          "Fine-tune",
          "NegGrad",
          "CF-k",
          "EU-k",
          "UNSIR",
          "Bad Teaching",
          "SCRUB",
          "DLFD",
          "DLFD: OT only",
          "DLFD: + classification loss",
          "DLFD (no guard)"
        }) {
      assertThat(table1).contains("| " + label + " | ");
    }
    assertThat(table1)
        .contains("Original's forgetting score:")
        .contains("Tuning: grid on seed 1's forget set")
        .contains("Fixed by --set in every trial and seed: {dlfd.perturbationSteps=2}.");
    assertThat(table1).containsPattern("dlfd \\{[^}]*\\} \\(best of 4 trials\\);");
    assertThat(command.rows()).hasSize(13);

    String table3 = Files.readString(out.resolve("table3.md"));
    assertThat(table3.lines().filter(l -> l.startsWith("| DLFD"))).hasSize(3);

    byte[] png = Files.readAllBytes(out.resolve("figure3.png"));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');

    JsonNode table1Json = JSON.readTree(out.resolve("table1.json").toFile());
    assertThat(table1Json.get("runs")).hasSize(13);
    assertThat(table1Json.get("rows").get(0).get("label").asText()).isEqualTo("Original");

    JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
    assertThat(run.get("command").asText())
        .startsWith("java -jar tools/bench/target/lethe-bench.jar unlearning --data fashion-mnist");
    JsonNode original = run.get("original").get("perSeed").get("1");
    assertThat(original.get("forgettingScore").asDouble()).isBetween(0.0, 0.5);
    assertThat(original.get("miaStd").asDouble()).isPositive();
    assertThat(run.get("sizes").get("perSeed").get("1").get("forget").asInt()).isPositive();
    // The original's OT distances, on both feature layers: retain to retain is the floor.
    JsonNode distances = run.get("original").get("featureDistances").get("1");
    assertThat(distances).hasSize(2);
    assertThat(distances.get(0).get("features").asText()).isEqualTo("LOGITS");
    for (JsonNode d : distances) {
      assertThat(d.get("retainToRetain").asDouble()).isPositive();
      assertThat(d.get("retainToForget").asDouble()).isPositive();
      assertThat(d.get("retainToUnseen").asDouble()).isPositive();
    }
    assertThat(table1).contains("Original's Sinkhorn distance").contains("embedding: to retain");
    // Table 3 shows how much of DLFD's epoch was perturbed and what its monitor read.
    assertThat(table3).contains("| Perturbed batches | Monitor: original → after |");
    JsonNode dlfdRun =
        java.util.stream.StreamSupport.stream(table1Json.get("runs").spliterator(), false)
            .filter(r -> r.get("method").asText().equals("dlfd"))
            .findFirst()
            .orElseThrow();
    assertThat(dlfdRun.get("steps").asLong()).isPositive();
    assertThat(dlfdRun.get("monitorInitialEstimate").asDouble()).isBetween(0.0, 0.5);
    // DLFD paired seed by seed with every other row (11 baselines/ablations plus Original).
    assertThat(table1).contains("## Paired with DLFD").contains("| NoMUS: DLFD − method |");
    // Every run but Retrain's, compared with Retrain's on the same seed.
    assertThat(table1).contains("## Distance to Retrain").contains("| Agreement: forget |");
    JsonNode retrainDistance = JSON.readTree(out.resolve("retrain-distance.json").toFile());
    assertThat(retrainDistance).hasSize(table1Json.get("runs").size() - 1);
    for (JsonNode row : retrainDistance) {
      assertThat(row.get("key").asText()).isNotEqualTo("retrain");
      for (String part : List.of("forget", "retain", "test")) {
        assertThat(row.get(part).get("agreement").asDouble()).isBetween(0.0, 1.0);
        assertThat(row.get(part).get("jsDivergence").asDouble()).isBetween(0.0, Math.log(2));
      }
    }
    JsonNode paired = table1Json.get("pairedWithDlfd");
    assertThat(paired).hasSize(12);
    assertThat(paired.get(0).get("key").asText()).isEqualTo("original");
    assertThat(paired.get(0).get("seeds")).hasSize(1);
    assertThat(run.get("tuning")).hasSize(8);
    for (JsonNode choice : run.get("tuning")) {
      assertThat(choice.get("attempts")).hasSize(BenchMethods.BUDGET);
      if (choice.get("method").asText().equals("dlfd")) {
        // --grid replaced DLFD's grid with the 2 × 2 product of learning rate and step size.
        assertThat(choice.get("attempts").get(3).get("settings").get("learningRate").asText())
            .isEqualTo("0.008");
        assertThat(choice.get("attempts").get(3).get("settings").get("stepSize").asText())
            .isEqualTo("0.003");
      }
    }
  }

  @Test
  void rejectsAGridLargerThanTheBudgetBeforeTrainingAnything(@TempDir Path out) {
    UnlearningBenchmark command = new UnlearningBenchmark();
    CommandLine cli = new CommandLine(command);
    java.io.StringWriter err = new java.io.StringWriter();
    cli.setErr(new java.io.PrintWriter(err));
    int exit =
        cli.execute(
            "--train-limit",
            "240",
            "--arch",
            "small-cnn",
            "--methods",
            "finetune",
            "--grid",
            "finetune.learningRate=0.1|0.01|0.001|0.0001|0.00001",
            "--out",
            out.toString());

    assertThat(exit).isNotZero();
    assertThat(command.rows()).isEmpty();
  }

  @Test
  void runsOnAMufacLayoutCsvManifestDatasetWithSubjectLevelForgetSets(@TempDir Path dir)
      throws Exception {
    // 60 train people (10% forgotten per seed), 20 test and 20 unseen people, 4 images each.
    MufacLikeDataset.Written data = new MufacLikeDataset(4, 16, 4, 7).write(dir, 60, 20, 20);
    Path out = dir.resolve("out");
    List<String> args = new ArrayList<>(data.dataOptions(16, 1));
    args.addAll(
        List.of(
            "--arch",
            "small-cnn",
            "--epochs",
            "3",
            "--seeds",
            "1,2",
            "--tune",
            "none",
            "--methods",
            "retrain,finetune,dlfd",
            "--set",
            "dlfd.perturbationSteps=2",
            "--no-progress",
            "--out",
            out.toString()));

    UnlearningBenchmark command = new UnlearningBenchmark();
    assertThat(new CommandLine(command).execute(args.toArray(String[]::new))).isZero();

    assertThat(command.rows())
        .extracting(AggregatedRow::label)
        .containsExactly("Original", "Retrain", "Fine-tune", "DLFD");
    assertThat(command.rows().get(3).seeds()).containsExactly(1, 2);
    JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
    JsonNode seed1 = run.get("sizes").get("perSeed").get("1");
    // Subject-level: a forgotten person's 4 images are all in the forget set.
    assertThat(seed1.get("forget").asInt() % 4).isZero();
    assertThat(seed1.get("forget").asInt()).isPositive();
    assertThat(run.get("sizes").get("test").asInt()).isEqualTo(80);
    assertThat(Files.readString(out.resolve("table1.md"))).contains("| DLFD | ");
  }

  @Test
  void runsOnAClassFolderDatasetWithoutACsvAndNamesItsClassesAsTheFoldersDo(@TempDir Path dir)
      throws Exception {
    // 40 people with 6 images each in emotion folders, no split shipped: the subject split makes
    // 8 test, 10 unseen and 22 train people.
    ClassFolderDataset.Written data =
        new ClassFolderDataset(List.of("neutral", "happy", "anger"), 16, 6, 5).write(dir, 40);
    Path out = dir.resolve("out");
    List<String> args = new ArrayList<>(data.dataOptions(16, 1));
    args.addAll(
        List.of(
            "--test-fraction",
            "0.2",
            "--unseen-fraction",
            "0.25",
            "--arch",
            "small-cnn",
            "--epochs",
            "2",
            "--seeds",
            "1",
            "--tune",
            "none",
            "--methods",
            "retrain",
            "--no-progress",
            "--out",
            out.toString()));

    UnlearningBenchmark command = new UnlearningBenchmark();
    assertThat(new CommandLine(command).execute(args.toArray(String[]::new))).isZero();

    assertThat(command.rows())
        .extracting(AggregatedRow::label)
        .containsExactly("Original", "Retrain");
    JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
    assertThat(run.get("sizes").get("test").asInt()).isEqualTo(8 * 6);
    assertThat(run.get("sizes").get("perSeed").get("1").get("forget").asInt() % 6).isZero();
    assertThat(Files.readString(out.resolve("table1.md")))
        .contains("3 classes [anger, happy, neutral]");
  }

  @Test
  void aSecondRunWithTheSameOriginalLoadsItFromTheCacheAndMeasuresTheSameOriginal(@TempDir Path dir)
      throws Exception {
    MufacLikeDataset.Written data = new MufacLikeDataset(4, 16, 4, 7).write(dir, 40, 20, 20);
    Path cache = dir.resolve("cache");
    List<JsonNode> runs = new ArrayList<>();
    List<AggregatedRow> originals = new ArrayList<>();
    for (String name : List.of("first", "second")) {
      List<String> args = new ArrayList<>(data.dataOptions(16, 1));
      args.addAll(
          List.of(
              "--arch",
              "small-cnn",
              "--epochs",
              "2",
              "--seeds",
              "1",
              "--tune",
              "none",
              "--methods",
              "finetune",
              "--original-cache",
              cache.toString(),
              "--no-progress",
              "--out",
              dir.resolve(name).toString()));
      UnlearningBenchmark command = new UnlearningBenchmark();
      assertThat(new CommandLine(command).execute(args.toArray(String[]::new))).isZero();
      runs.add(JSON.readTree(dir.resolve(name).resolve("run.json").toFile()));
      originals.add(command.rows().get(0));
    }

    assertThat(runs.get(0).get("original").get("loadedFromCache").asBoolean()).isFalse();
    assertThat(runs.get(1).get("original").get("loadedFromCache").asBoolean()).isTrue();
    // The training time reported is the one measured when the original was trained.
    assertThat(runs.get(1).get("original").get("trainSeconds").asDouble())
        .isEqualTo(runs.get(0).get("original").get("trainSeconds").asDouble());
    assertThat(originals.get(1).testAccuracy()).isEqualTo(originals.get(0).testAccuracy());
    assertThat(originals.get(1).forgetAccuracy()).isEqualTo(originals.get(0).forgetAccuracy());
    assertThat(originals.get(1).mia()).isEqualTo(originals.get(0).mia());
  }
}
