package io.lethe.bench.unlearning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Re-reads a written {@code table1.json} and prints the seed-by-seed comparison of one method with
 * every other ({@link PairedDifference}), so runs written before the benchmark printed it, or
 * another reference than DLFD, can be compared without running anything again.
 */
@Command(
    name = "paired",
    mixinStandardHelpOptions = true,
    description =
        "Prints, from a benchmark's table1.json, the reference method's NoMUS minus every other"
            + " method's, seed by seed (same seed: same forget set, splits and original).")
public final class PairedComparison implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", description = "A table1.json written by the unlearning benchmark.")
  Path table1Json;

  @Option(
      names = "--reference",
      defaultValue = "dlfd",
      description = "The method key to compare with the others. Default: ${DEFAULT-VALUE}.")
  String reference;

  @Override
  public Integer call() throws IOException {
    List<PairedDifference.SeedScore> scores = read(table1Json);
    Map<String, String> labels = new HashMap<>();
    scores.forEach(s -> labels.put(s.key(), s.label()));
    if (!labels.containsKey(reference)) {
      throw new IllegalArgumentException(
          "no runs of '"
              + reference
              + "' in "
              + table1Json
              + "; methods there: "
              + labels.keySet());
    }
    System.out.print(
        BenchmarkTables.pairedTable(
            labels.get(reference), PairedDifference.between(reference, scores)));
    return 0;
  }

  /** The per-seed scores of a table1.json, labelled from its aggregated rows. */
  static List<PairedDifference.SeedScore> read(Path table1Json) throws IOException {
    if (!Files.isRegularFile(table1Json)) {
      throw new IllegalArgumentException("not a file: " + table1Json);
    }
    JsonNode root = JSON.readTree(table1Json.toFile());
    if (root == null || !root.path("runs").isArray() || !root.path("rows").isArray()) {
      throw new IllegalArgumentException(
          table1Json + " has no 'runs' and 'rows' arrays: not a benchmark's table1.json");
    }
    Map<String, String> labels = new HashMap<>();
    for (JsonNode row : root.get("rows")) {
      labels.put(row.path("key").asText(), row.path("label").asText());
    }
    List<PairedDifference.SeedScore> scores = new ArrayList<>();
    for (JsonNode run : root.get("runs")) {
      String key = run.path("method").asText();
      scores.add(
          new PairedDifference.SeedScore(
              key,
              labels.getOrDefault(key, key),
              run.path("seed").asInt(),
              run.path("nomus").asDouble(),
              run.path("seconds").asDouble()));
    }
    return scores;
  }
}
