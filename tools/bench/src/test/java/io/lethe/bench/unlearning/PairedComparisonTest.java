package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairedComparisonTest {
  /** A committed run; tools/bench/results/archive/NOTEBOOK.md quotes its paired differences. */
  private static final Path COMMITTED =
      Path.of("results/archive/fashion-mnist-resnet18-alpha-threshold-grid/table1.json");

  @Test
  void reproducesThePairedDifferencesQuotedForACommittedRun() throws Exception {
    List<PairedDifference> pairs =
        PairedDifference.between("dlfd", PairedComparison.read(COMMITTED));

    PairedDifference euk =
        pairs.stream().filter(p -> p.key().equals("eu-k")).findFirst().orElseThrow();
    assertThat(euk.label()).isEqualTo("EU-k");
    assertThat(euk.seeds()).containsExactly(1, 2, 3);
    assertThat(euk.nomusDifference().mean()).isEqualTo(-0.029, offset(0.0005));
    assertThat(euk.wins()).isZero();
    assertThat(pairs).extracting(PairedDifference::key).contains("original", "retrain", "scrub");
  }

  @Test
  void refusesAFileThatIsNotABenchmarksTable(@TempDir Path dir) throws Exception {
    Path other = Files.writeString(dir.resolve("table1.json"), "{\"rows\": 3}");

    assertThatThrownBy(() -> PairedComparison.read(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a benchmark's table1.json");
    assertThatThrownBy(() -> PairedComparison.read(dir.resolve("missing.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a file");
  }

  /** A minimal table1.json: rows give labels, runs give (method, seed, NoMUS, seconds). */
  private static Path table(Path dir, String name, Object[]... runs) throws Exception {
    StringBuilder rows = new StringBuilder();
    StringBuilder json = new StringBuilder();
    for (Object[] r : runs) {
      rows.append(rows.isEmpty() ? "" : ",")
          .append(String.format("{\"key\":\"%s\",\"label\":\"%s\"}", r[0], r[0]));
      json.append(json.isEmpty() ? "" : ",")
          .append(
              String.format(
                  java.util.Locale.ROOT,
                  "{\"method\":\"%s\",\"seed\":%d,\"nomus\":%f,\"seconds\":%f,"
                      + "\"testAccuracy\":%f}",
                  r[0],
                  r[1],
                  r[2],
                  r[3],
                  r.length > 4 ? r[4] : 0.8));
    }
    return Files.writeString(
        dir.resolve(name), "{\"rows\":[" + rows + "],\"runs\":[" + json + "]}");
  }

  @Test
  void pairsOneRunsReferenceWithAnotherRunsRowsWhenBothShareTheOriginal(@TempDir Path dir)
      throws Exception {
    Path exploratory =
        table(
            dir,
            "dlfd-only.json",
            new Object[] {"original", 1, 0.75, 700.0},
            new Object[] {"original", 2, 0.76, 700.0},
            new Object[] {"dlfd", 1, 0.83, 40.0},
            new Object[] {"dlfd", 2, 0.81, 50.0});
    Path full =
        table(
            dir,
            "full.json",
            new Object[] {"original", 1, 0.75, 700.0},
            new Object[] {"original", 2, 0.76, 700.0},
            new Object[] {"unsir", 1, 0.80, 200.0},
            new Object[] {"unsir", 2, 0.82, 200.0},
            new Object[] {"dlfd", 1, 0.79, 130.0});

    List<PairedDifference> pairs =
        PairedDifference.between(
            "dlfd",
            PairedComparison.referenceAgainst(
                "dlfd",
                PairedComparison.read(exploratory),
                PairedComparison.read(full),
                full.toString()));

    PairedDifference unsir =
        pairs.stream().filter(p -> p.key().equals("unsir")).findFirst().orElseThrow();
    assertThat(unsir.nomusDifference().mean()).isEqualTo(0.01, offset(1e-6));
    assertThat(unsir.wins()).isEqualTo(1);
    assertThat(unsir.secondsRatio().mean()).isEqualTo(0.225, offset(1e-6));
    PairedDifference otherDlfd =
        pairs.stream().filter(p -> p.key().equals("dlfd@other")).findFirst().orElseThrow();
    assertThat(otherDlfd.label()).isEqualTo("dlfd (other run)");
    assertThat(otherDlfd.seeds()).containsExactly(1);
    assertThat(otherDlfd.nomusDifference().mean()).isEqualTo(0.04, offset(1e-6));
  }

  @Test
  void refusesToPairRunsWhoseOriginalsDiffer(@TempDir Path dir) throws Exception {
    Path one =
        table(
            dir,
            "one.json",
            new Object[] {"original", 1, 0.75, 1.0},
            new Object[] {"dlfd", 1, 0.8, 1.0});
    Path other =
        table(
            dir,
            "other.json",
            new Object[] {"original", 1, 0.74, 1.0},
            new Object[] {"eu-k", 1, 0.8, 1.0});
    Path noOriginal = table(dir, "bare.json", new Object[] {"eu-k", 1, 0.8, 1.0});

    assertThatThrownBy(
            () ->
                PairedComparison.referenceAgainst(
                    "dlfd", PairedComparison.read(one), PairedComparison.read(other), "other"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not share their original")
        .hasMessageContaining("seed 1 is 0.7500 in the files compared and 0.7400");
    assertThatThrownBy(
            () ->
                PairedComparison.referenceAgainst(
                    "dlfd", PairedComparison.read(one), PairedComparison.read(noOriginal), "bare"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no Original row");
  }

  @Test
  void poolsRunsOfTheSameOriginalOnOtherSeeds(@TempDir Path dir) throws Exception {
    Path first =
        table(
            dir,
            "seeds1.json",
            new Object[] {"original", 1, 0.75, 700.0},
            new Object[] {"dlfd", 1, 0.80, 40.0},
            new Object[] {"unsir", 1, 0.82, 200.0});
    Path second =
        table(
            dir,
            "seeds2.json",
            new Object[] {"original", 2, 0.74, 700.0},
            new Object[] {"dlfd", 2, 0.83, 40.0},
            new Object[] {"unsir", 2, 0.81, 200.0});

    PairedDifference unsir =
        PairedDifference.between("dlfd", PairedComparison.pooled(List.of(first, second))).stream()
            .filter(p -> p.key().equals("unsir"))
            .findFirst()
            .orElseThrow();

    assertThat(unsir.seeds()).containsExactly(1, 2);
    assertThat(unsir.nomusDifference().mean()).isEqualTo(0.0, offset(1e-6));
    assertThat(unsir.wins()).isEqualTo(1);
  }

  @Test
  void refusesToPoolAnotherOriginalOrARepeatedSeed(@TempDir Path dir) throws Exception {
    Path first =
        table(
            dir,
            "a.json",
            new Object[] {"original", 1, 0.75, 1.0},
            new Object[] {"dlfd", 1, 0.8, 1.0});
    Path otherOriginal =
        table(
            dir,
            "b.json",
            new Object[] {"original", 2, 0.75, 1.0, 0.7},
            new Object[] {"dlfd", 2, 0.8, 1.0});
    Path sameSeed =
        table(
            dir,
            "c.json",
            new Object[] {"original", 3, 0.75, 1.0},
            new Object[] {"dlfd", 1, 0.8, 1.0});

    assertThatThrownBy(() -> PairedComparison.pooled(List.of(first, otherOriginal)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "do not share their original: its test accuracy is 0.8000 and 0.7000");
    assertThatThrownBy(() -> PairedComparison.pooled(List.of(first, sameSeed)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seed 1 of 'dlfd' is in both");
  }

  @Test
  void poolsARunOfOtherMethodsOnTheSameSeedsWhenItsOriginalRowsAgree(@TempDir Path dir)
      throws Exception {
    Path main =
        table(
            dir,
            "main.json",
            new Object[] {"original", 1, 0.75, 700.0},
            new Object[] {"original", 2, 0.74, 700.0},
            new Object[] {"dlfd", 1, 0.80, 40.0},
            new Object[] {"dlfd", 2, 0.84, 60.0});
    Path retrainOnly =
        table(
            dir,
            "retrain.json",
            new Object[] {"original", 1, 0.75, 700.0},
            new Object[] {"retrain", 1, 0.88, 400.0});

    List<PairedDifference.SeedScore> pooled = PairedComparison.pooled(List.of(main, retrainOnly));

    assertThat(pooled).filteredOn(s -> s.key().equals("original")).hasSize(2);
    PairedDifference retrain =
        PairedDifference.between("dlfd", pooled).stream()
            .filter(p -> p.key().equals("retrain"))
            .findFirst()
            .orElseThrow();
    assertThat(retrain.seeds()).containsExactly(1);
    assertThat(retrain.nomusDifference().mean()).isEqualTo(-0.08, offset(1e-6));
    assertThat(retrain.secondsRatio().mean()).isEqualTo(0.1, offset(1e-6));
    assertThat(BenchmarkTables.pooledRowsTable(pooled))
        .contains("| dlfd | [1, 2] | 0.8200 ± 0.0283 | 50.0 ± 14.1 |")
        .contains("| retrain | [1] | 0.8800 ± 0.0000 | 400.0 ± 0.0 |");
  }

  @Test
  void refusesToPoolARepeatedOriginalThatScoresDifferently(@TempDir Path dir) throws Exception {
    Path main =
        table(
            dir,
            "main.json",
            new Object[] {"original", 1, 0.75, 700.0},
            new Object[] {"dlfd", 1, 0.80, 40.0});
    Path otherSplits =
        table(
            dir,
            "other.json",
            new Object[] {"original", 1, 0.70, 700.0},
            new Object[] {"retrain", 1, 0.88, 400.0});

    assertThatThrownBy(() -> PairedComparison.pooled(List.of(main, otherSplits)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not share their splits")
        .hasMessageContaining("seed 1 is 0.7500 in one and 0.7000");
  }

  @Test
  void takesOnlyTheNamedMethodsFromAFileSoALaterRoundCanReplaceOneMethodsRuns(@TempDir Path dir)
      throws Exception {
    Path firstRound =
        table(
            dir,
            "first.json",
            new Object[] {"original", 1, 0.75, 700.0},
            new Object[] {"dlfd", 1, 0.80, 40.0},
            new Object[] {"unsir", 1, 0.82, 150.0});
    Path secondRound =
        table(
            dir,
            "second.json",
            new Object[] {"original", 1, 0.75, 700.0},
            new Object[] {"dlfd", 1, 0.85, 30.0},
            new Object[] {"unsir", 1, 0.83, 150.0});

    List<PairedDifference.SeedScore> pooled =
        PairedComparison.pooled(
            List.of(Path.of(firstRound + "::unsir"), Path.of(secondRound + "::dlfd")));

    assertThat(pooled)
        .extracting(PairedDifference.SeedScore::key, PairedDifference.SeedScore::nomus)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("original", 0.75),
            org.assertj.core.groups.Tuple.tuple("unsir", 0.82),
            org.assertj.core.groups.Tuple.tuple("dlfd", 0.85));
    assertThatThrownBy(() -> PairedComparison.pooled(List.of(Path.of(firstRound + "::scrub"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no runs of 'scrub'")
        .hasMessageContaining("[dlfd, original, unsir]");
    assertThatThrownBy(() -> PairedComparison.pooled(List.of(Path.of(firstRound + "::"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no method");
  }
}
