package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lethe.cli.report.ResultsWriter.NamedEvaluation;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.metrics.EvaluationReport;
import io.lethe.format.checkpoint.CheckpointManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's main command, end to end on real Fashion-MNIST (Debian's dataset-fashion-mnist): an
 * original small CNN that memorises its training subjects, DLFD run from it, and the retrained gold
 * standard, all measured on the same forget, unseen and test samples.
 */
class DemoEndToEndIT {
  private static final Path OUT = Path.of("target", "it-demo");
  private static DemoCommand.Result result;
  private static String table;

  @BeforeAll
  static void runDemo() throws Exception {
    io.lethe.engine.EngineRuntime.configure();
    DemoCommand demo = new DemoCommand();
    int exit =
        new CommandLine(demo)
            .execute("--no-progress", "--out", OUT.toString(), "--forget-random", "40");
    assertThat(exit).as("demo exit code").isZero();
    result = demo.result();
    table = Files.readString(OUT.resolve("results.md"));
  }

  private static EvaluationReport report(String name) {
    return result.evaluations().stream()
        .filter(e -> e.name().equals(name))
        .map(e -> e.evaluation().report())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + name + " in " + table));
  }

  @Test
  void tableHasOriginalRetrainedAndDlfdRows() {
    assertThat(result.evaluations())
        .extracting(NamedEvaluation::name)
        .containsExactly("Original", "Retrained", "DLFD");
    assertThat(table).contains("| Original |", "| Retrained |", "| DLFD |", "NoMUS");
  }

  @Test
  void originalModelHasAClearMembershipGapOnTheForgetSubjects() {
    assertThat(report("Original").forgettingScore()).isGreaterThanOrEqualTo(0.05);
  }

  @Test
  void dlfdLowersTheForgettingScoreAndKeepsTestAccuracy() {
    EvaluationReport original = report("Original");
    EvaluationReport dlfd = report("DLFD");
    assertThat(dlfd.forgettingScore()).isLessThan(original.forgettingScore());
    assertThat(dlfd.testAccuracy()).isCloseTo(original.testAccuracy(), within(0.05));
  }

  @Test
  void dlfdCheckpointRecordsItsLineageAndVerifies() {
    CheckpointManifest original = Checkpoints.readManifest(OUT.resolve("original"));
    CheckpointManifest dlfd = Checkpoints.readManifest(OUT.resolve("dlfd"));
    assertThat(dlfd.parent().id()).isEqualTo(original.id());
    assertThat(dlfd.method()).isEqualTo("dlfd");
    assertThat(dlfd.forgottenSubjects()).containsExactlyElementsOf(result.forgotten());
    assertThat(dlfd.hyperparameters()).containsKeys("stepSize", "otOnClean");
    // Loading re-hashes the parameters against the manifest.
    Checkpoints.load(OUT.resolve("dlfd")).close();
  }

  @Test
  void writesTablesLossesAndTheHistogramFigure() throws Exception {
    for (String f :
        List.of(
            "results.md",
            "results.json",
            "losses-original.csv",
            "losses-dlfd.csv",
            "losses-retrained.csv",
            "loss-histograms.png")) {
      assertThat(OUT.resolve(f)).isRegularFile();
    }
    assertThat(Files.readAllLines(OUT.resolve("losses-dlfd.csv")).get(0))
        .isEqualTo("sample_id,subject_id,group,loss");
    assertThat(Files.size(OUT.resolve("loss-histograms.png"))).isGreaterThan(10_000);
  }
}
