package io.lethe.bench.unlearning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

  @Parameters(
      arity = "1..*",
      paramLabel = "TABLE1_JSON",
      description =
          "table1.json files written by the unlearning benchmark. Several are pooled seed by seed"
              + " (e.g. a run of seeds 1-3 and one of seeds 4-6, or one of other methods on the"
              + " same seeds): they must share the original (same Original test accuracy), no"
              + " method but the Original may repeat a seed, and a repeated Original must score"
              + " the same NoMUS. FILE::key1,key2 takes only those methods' rows (and the"
              + " Original's) from FILE, e.g. to replace one method's runs by a later round's.")
  List<Path> tables;

  @Option(
      names = "--reference",
      defaultValue = "dlfd",
      description = "The method key to compare with the others. Default: ${DEFAULT-VALUE}.")
  String reference;

  @Option(
      names = "--against",
      paramLabel = "TABLE1_JSON",
      description =
          "Compare the reference's runs in the files above with every row of these instead (e.g."
              + " a later DLFD-only run against a full run's baselines). Repeatable: the files"
              + " given are pooled like the positional ones. Both sides must have an Original row"
              + " with the same NoMUS on every common seed: same original, same splits.")
  List<Path> against = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    List<PairedDifference.SeedScore> scores = pooled(tables);
    if (!against.isEmpty()) {
      scores = referenceAgainst(reference, scores, pooled(against), against.toString());
    }
    Map<String, String> labels = new HashMap<>();
    scores.forEach(s -> labels.put(s.key(), s.label()));
    if (!labels.containsKey(reference)) {
      throw new IllegalArgumentException(
          "no runs of '" + reference + "' in " + tables + "; methods there: " + labels.keySet());
    }
    System.out.print(BenchmarkTables.pooledRowsTable(scores));
    System.out.println();
    System.out.print(
        BenchmarkTables.pairedTable(
            labels.get(reference), PairedDifference.between(reference, scores)));
    return 0;
  }

  /**
   * The reference's scores from one run followed by every score of another run, once the two are
   * shown to share their original and splits (identical Original NoMUS on every common seed). The
   * other run's own rows of the reference method are kept under a suffixed key, so the two versions
   * can be compared too.
   */
  static List<PairedDifference.SeedScore> referenceAgainst(
      String reference,
      List<PairedDifference.SeedScore> run,
      List<PairedDifference.SeedScore> other,
      String otherName) {
    Map<Integer, Double> original = originalNomus(run, "the files compared");
    Map<Integer, Double> otherOriginal = originalNomus(other, otherName);
    List<Integer> common = new ArrayList<>(original.keySet());
    common.retainAll(otherOriginal.keySet());
    if (common.isEmpty()) {
      throw new IllegalArgumentException(
          "the two runs have no seed in common: "
              + original.keySet()
              + " vs "
              + otherOriginal.keySet());
    }
    for (int seed : common) {
      if (Math.abs(original.get(seed) - otherOriginal.get(seed)) > 1e-9) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "the two runs do not share their original and splits: the Original's NoMUS on"
                    + " seed %d is %.4f in the files compared and %.4f in %s",
                seed,
                original.get(seed),
                otherOriginal.get(seed),
                otherName));
      }
    }
    List<PairedDifference.SeedScore> combined = new ArrayList<>();
    run.stream().filter(s -> s.key().equals(reference)).forEach(combined::add);
    for (PairedDifference.SeedScore s : other) {
      combined.add(
          s.key().equals(reference)
              ? new PairedDifference.SeedScore(
                  s.key() + "@other", s.label() + " (other run)", s.seed(), s.nomus(), s.seconds())
              : s);
    }
    return combined;
  }

  private static Map<Integer, Double> originalNomus(
      List<PairedDifference.SeedScore> scores, String where) {
    Map<Integer, Double> bySeed = new TreeMap<>();
    scores.stream()
        .filter(s -> s.key().equals(MethodResult.ORIGINAL))
        .forEach(s -> bySeed.put(s.seed(), s.nomus()));
    if (bySeed.isEmpty()) {
      throw new IllegalArgumentException(
          where + " has no Original row, so it cannot be shown to share the other's original");
    }
    return bySeed;
  }

  /**
   * The per-seed scores of several runs of one original, e.g. the same command on other seeds. The
   * original is recognised by its test accuracy (the same model on the same test set whatever the
   * seed); a method's seed may come from one file only.
   */
  static List<PairedDifference.SeedScore> pooled(List<Path> refs) throws IOException {
    List<PairedDifference.SeedScore> all = new ArrayList<>();
    Map<String, Path> seenAt = new HashMap<>();
    Map<String, PairedDifference.SeedScore> pooledRow = new HashMap<>();
    Double firstAccuracy = null;
    List<TableSelection> selections = refs.stream().map(TableSelection::parse).toList();
    for (TableSelection selection : selections) {
      Path file = selection.file();
      List<PairedDifference.SeedScore> scores = selection.keep(read(file));
      if (selections.size() > 1) {
        double accuracy = originalTestAccuracy(file);
        if (firstAccuracy == null) {
          firstAccuracy = accuracy;
        } else if (Math.abs(accuracy - firstAccuracy) > 1e-9) {
          throw new IllegalArgumentException(
              String.format(
                  Locale.ROOT,
                  "%s and %s do not share their original: its test accuracy is %.4f and %.4f",
                  selections.get(0).file(),
                  file,
                  firstAccuracy,
                  accuracy));
        }
      }
      for (PairedDifference.SeedScore s : scores) {
        String key = s.key() + "#" + s.seed();
        Path earlier = seenAt.putIfAbsent(key, file);
        PairedDifference.SeedScore first = pooledRow.putIfAbsent(key, s);
        if (earlier == null) {
          all.add(s);
        } else if (s.key().equals(MethodResult.ORIGINAL)) {
          requireSameScore(first, s);
        } else {
          throw new IllegalArgumentException(
              "seed " + s.seed() + " of '" + s.key() + "' is in both " + earlier + " and " + file);
        }
      }
    }
    return all;
  }

  /**
   * Two runs of other methods on the same seeds (e.g. Retrain alone, run later from the cached
   * original) both score the original on that seed's forget set; with the same original and splits
   * the two scores are identical, so a repeated Original row is dropped, or refused if it differs.
   */
  private static void requireSameScore(
      PairedDifference.SeedScore pooled, PairedDifference.SeedScore repeated) {
    if (Math.abs(pooled.nomus() - repeated.nomus()) > 1e-9) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the files do not share their splits: the Original's NoMUS on seed %d is %.4f"
                  + " in one and %.4f in another",
              repeated.seed(),
              pooled.nomus(),
              repeated.nomus()));
    }
  }

  private static double originalTestAccuracy(Path table1Json) throws IOException {
    for (JsonNode run : JSON.readTree(table1Json.toFile()).path("runs")) {
      if (run.path("method").asText().equals(MethodResult.ORIGINAL)) {
        return run.path("testAccuracy").asDouble(Double.NaN);
      }
    }
    throw new IllegalArgumentException(
        table1Json + " has no Original row, so it cannot be pooled with another run");
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

  /**
   * A table1.json, optionally limited to some methods ({@code FILE::key1,key2}): the Original's
   * rows are always kept, since pooling checks them.
   */
  record TableSelection(Path file, Set<String> methods) {
    private static final String SEPARATOR = "::";

    static TableSelection parse(Path ref) {
      String text = ref.toString();
      int at = text.lastIndexOf(SEPARATOR);
      if (at < 0) {
        return new TableSelection(ref, Set.of());
      }
      Set<String> methods = new LinkedHashSet<>();
      for (String key : text.substring(at + SEPARATOR.length()).split(",")) {
        if (!key.isBlank()) {
          methods.add(key.trim());
        }
      }
      if (methods.isEmpty()) {
        throw new IllegalArgumentException(
            "'" + text + "' names no method after '" + SEPARATOR + "'; use FILE::key1,key2");
      }
      return new TableSelection(Path.of(text.substring(0, at)), Set.copyOf(methods));
    }

    /** The selected rows; every row if no method was named, and refuses a name not in the file. */
    List<PairedDifference.SeedScore> keep(List<PairedDifference.SeedScore> scores) {
      if (methods.isEmpty()) {
        return scores;
      }
      Set<String> present = new TreeSet<>();
      scores.forEach(s -> present.add(s.key()));
      for (String m : methods) {
        if (!present.contains(m)) {
          throw new IllegalArgumentException(
              file + " has no runs of '" + m + "'; methods there: " + present);
        }
      }
      return scores.stream()
          .filter(s -> methods.contains(s.key()) || s.key().equals(MethodResult.ORIGINAL))
          .toList();
    }
  }
}
