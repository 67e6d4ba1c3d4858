package io.lethe.engine.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to (re)load a dataset: a kind plus string options. Checkpoints record it, so a later {@code
 * unlearn} or {@code evaluate} reloads exactly the data the model was trained on and can verify it
 * against the recorded fingerprint.
 *
 * <p>Kinds: {@code idx} (MNIST / Fashion-MNIST IDX files with pseudo-subjects) and {@code csv} (CSV
 * manifests + image folders: MUFAC, RAF-DB, MUCAC or a custom column layout).
 */
public record DatasetSource(String kind, Map<String, String> options) {
  public static final String IDX = "idx";
  public static final String CSV = "csv";

  public DatasetSource {
    Objects.requireNonNull(kind, "kind");
    if (!kind.equals(IDX) && !kind.equals(CSV)) {
      throw new IllegalArgumentException(
          "unknown dataset kind '" + kind + "': expected idx or csv");
    }
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
  }

  /** Options of an IDX dataset; {@code preset} is "fashion-mnist" or "mnist". */
  public static DatasetSource idx(
      String preset,
      Path directory,
      int trainLimit,
      int testLimit,
      int samplesPerSubject,
      double unseenFraction,
      double validationFraction,
      long seed) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("preset", preset);
    o.put("path", directory.toString());
    o.put("trainLimit", Integer.toString(trainLimit));
    o.put("testLimit", Integer.toString(testLimit));
    o.put("samplesPerSubject", Integer.toString(samplesPerSubject));
    o.put("unseenFraction", Double.toString(unseenFraction));
    o.put("validationFraction", Double.toString(validationFraction));
    o.put("seed", Long.toString(seed));
    return new DatasetSource(IDX, o);
  }

  /**
   * Options of a CSV-manifest dataset.
   *
   * @param manifests "file.csv" or "file.csv:split" (for datasets with one CSV per split)
   * @param format "mufac", "raf-db" or "mucac"
   */
  public static DatasetSource csv(
      List<String> manifests, Path imageRoot, String format, int side, int channels) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("manifests", String.join(";", manifests));
    o.put("images", imageRoot.toString());
    o.put("format", format);
    o.put("side", Integer.toString(side));
    o.put("channels", Integer.toString(channels));
    return new DatasetSource(CSV, o);
  }

  /** Reads the dataset this source describes. */
  public ImageDataset load() throws IOException {
    return kind.equals(IDX) ? loadIdx() : loadCsv();
  }

  private ImageDataset loadIdx() throws IOException {
    String preset = require("preset").toLowerCase(Locale.ROOT);
    Path dir = Path.of(require("path"));
    IdxDatasetReader.Builder b =
        switch (preset) {
          case "fashion-mnist" -> IdxDatasetReader.fashionMnist(dir);
          case "mnist" -> IdxDatasetReader.mnist(dir);
          default ->
              throw new IllegalArgumentException(
                  "unknown IDX preset '" + preset + "': expected fashion-mnist or mnist");
        };
    int trainLimit = intOption("trainLimit");
    int testLimit = intOption("testLimit");
    if (trainLimit > 0) {
      b.optTrainLimit(trainLimit);
    }
    if (testLimit > 0) {
      b.optTestLimit(testLimit);
    }
    return b.optSamplesPerSubject(intOption("samplesPerSubject"))
        .optUnseenSubjectFraction(Double.parseDouble(require("unseenFraction")))
        .optValidationSubjectFraction(Double.parseDouble(require("validationFraction")))
        .optSeed(Long.parseLong(require("seed")))
        .build()
        .read();
  }

  private ImageDataset loadCsv() throws IOException {
    String format = require("format").toLowerCase(Locale.ROOT);
    CsvManifestFormat f =
        switch (format) {
          case "mufac" -> CsvManifestFormat.mufac();
          case "raf-db", "rafdb" -> CsvManifestFormat.rafDb();
          case "mucac" -> CsvManifestFormat.mucac();
          default ->
              throw new IllegalArgumentException(
                  "unknown manifest format '" + format + "': expected mufac, raf-db or mucac");
        };
    Path images = Path.of(require("images"));
    List<CsvManifestReader.Manifest> manifests = new ArrayList<>();
    for (String entry : require("manifests").split(";")) {
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && isSplit(entry.substring(colon + 1))) {
        manifests.add(
            CsvManifestReader.Manifest.of(
                Path.of(entry.substring(0, colon)),
                images,
                Split.parse(entry.substring(colon + 1))));
      } else {
        manifests.add(CsvManifestReader.Manifest.of(Path.of(entry), images));
      }
    }
    return CsvManifestReader.builder(f)
        .optName(format)
        .optSide(intOption("side"))
        .optChannels(intOption("channels"))
        .build()
        .read(manifests);
  }

  private static boolean isSplit(String s) {
    try {
      Split.parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private String require(String key) {
    String v = options.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          "dataset source (" + kind + ") is missing option '" + key + "': " + options);
    }
    return v;
  }

  private int intOption(String key) {
    try {
      return Integer.parseInt(require(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "dataset option '" + key + "' must be a whole number, got '" + options.get(key) + "'", e);
    }
  }

  /** The options plus the kind, as stored in a checkpoint manifest. */
  public Map<String, String> toMap() {
    Map<String, String> m = new TreeMap<>(options);
    m.put("kind", kind);
    return m;
  }

  /** The inverse of {@link #toMap()}. */
  public static DatasetSource fromMap(Map<String, String> map) {
    Map<String, String> o = new TreeMap<>(map);
    String kind = o.remove("kind");
    if (kind == null) {
      throw new IllegalArgumentException("dataset source has no 'kind': " + map);
    }
    return new DatasetSource(kind, o);
  }
}
