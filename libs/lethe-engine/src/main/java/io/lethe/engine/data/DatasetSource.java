package io.lethe.engine.data;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Split;
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
 * <p>Kinds: {@code idx} (MNIST / Fashion-MNIST IDX files with pseudo-subjects), {@code csv} (CSV
 * manifests + image folders: the MUFAC, RAF-DB and MUCAC presets, or format {@code csv} with the
 * user's own {@link CsvColumns}) and {@code folders} (the class-folder layout read by {@link
 * ImageFolderReader}). Sources of the user's own layouts also record their {@link SubjectSplit}.
 */
public record DatasetSource(String kind, Map<String, String> options) {
  public static final String IDX = "idx";
  public static final String CSV = "csv";
  public static final String FOLDERS = "folders";

  /** The {@code format} of a CSV source with the user's own {@link CsvColumns}. */
  public static final String CSV_COLUMNS = "csv";

  public DatasetSource {
    Objects.requireNonNull(kind, "kind");
    if (!kind.equals(IDX) && !kind.equals(CSV) && !kind.equals(FOLDERS)) {
      throw new IllegalArgumentException(
          "unknown dataset kind '" + kind + "': expected idx, csv or folders");
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

  /**
   * Options of a CSV-manifest dataset in the user's own column layout.
   *
   * @param manifests "file.csv" or "file.csv:split" (a fixed split for every row of that file)
   * @param split how subjects are split when the manifests declare no split (or no unseen one)
   */
  public static DatasetSource csv(
      List<String> manifests,
      Path imageRoot,
      CsvColumns columns,
      SubjectSplit split,
      int side,
      int channels) {
    Map<String, String> o =
        new LinkedHashMap<>(csv(manifests, imageRoot, CSV_COLUMNS, side, channels).options);
    o.put("imageColumn", columns.imageColumn());
    o.put("labelColumn", columns.labelColumn());
    if (columns.labelNames() != null) {
      o.put("labelNames", joinNames(columns.labelNames()));
    }
    putIfSet(o, "subjectColumn", columns.subjectColumn());
    putIfSet(o, "subjectPattern", columns.subjectPattern());
    putIfSet(o, "splitColumn", columns.splitColumn());
    putSplit(o, split);
    return new DatasetSource(CSV, o);
  }

  /**
   * Options of a class-folder dataset ({@code root/<class>/<image>} or {@code
   * root/<split>/<class>/<image>}).
   *
   * @param subjectPattern regex with one group applied to file names, or {@code null} (every image
   *     its own subject)
   * @param splitFolders the split folders under {@code root}, empty to detect them
   * @param split how subjects are split when there are no split folders (or no unseen one)
   */
  public static DatasetSource folders(
      Path root,
      String subjectPattern,
      List<String> splitFolders,
      SubjectSplit split,
      int side,
      int channels) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("images", root.toString());
    putIfSet(o, "subjectPattern", subjectPattern);
    if (!splitFolders.isEmpty()) {
      o.put("splitFolders", joinNames(splitFolders));
    }
    putSplit(o, split);
    o.put("side", Integer.toString(side));
    o.put("channels", Integer.toString(channels));
    return new DatasetSource(FOLDERS, o);
  }

  private static void putIfSet(Map<String, String> o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  private static void putSplit(Map<String, String> o, SubjectSplit split) {
    o.put("testFraction", Double.toString(split.testFraction()));
    o.put("unseenFraction", Double.toString(split.unseenFraction()));
    o.put("seed", Long.toString(split.seed()));
  }

  private static String joinNames(List<String> names) {
    for (String n : names) {
      if (n.isBlank() || n.contains(",")) {
        throw new IllegalArgumentException(
            "names must be non-blank and without commas, got '" + n + "' in " + names);
      }
    }
    return String.join(",", names);
  }

  private List<String> names(String key) {
    return List.of(require(key).split(","));
  }

  private SubjectSplit subjectSplit() {
    return new SubjectSplit(
        doubleOption("testFraction"),
        doubleOption("unseenFraction"),
        Long.parseLong(require("seed")));
  }

  /** Reads the dataset this source describes. */
  public ImageDataset load() throws IOException {
    return switch (kind) {
      case IDX -> loadIdx();
      case FOLDERS -> loadFolders();
      default -> loadCsv();
    };
  }

  private ImageDataset loadFolders() throws IOException {
    Path root = Path.of(require("images"));
    ImageFolderReader.Builder b =
        ImageFolderReader.builder(root)
            .optName(root.getFileName() == null ? "folders" : root.getFileName().toString())
            .optSide(intOption("side"))
            .optChannels(intOption("channels"))
            .optSubjectSplit(subjectSplit());
    if (options.containsKey("subjectPattern")) {
      b.optSubjectPattern(require("subjectPattern"));
    }
    if (options.containsKey("splitFolders")) {
      b.optSplitFolders(names("splitFolders"));
    }
    return b.build().read();
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
    List<CsvManifestReader.Manifest> manifests = manifests();
    if (format.equals(CSV_COLUMNS)) {
      CsvManifestFormat f =
          columns().format(manifests.stream().map(CsvManifestReader.Manifest::csv).toList());
      return CsvManifestReader.builder(f)
          .optName(format)
          .optSide(intOption("side"))
          .optChannels(intOption("channels"))
          .optSubjectSplit(subjectSplit())
          .build()
          .read(manifests);
    }
    CsvManifestFormat f =
        switch (format) {
          case "mufac" -> CsvManifestFormat.mufac();
          case "raf-db", "rafdb" -> CsvManifestFormat.rafDb();
          case "mucac" -> CsvManifestFormat.mucac();
          default ->
              throw new IllegalArgumentException(
                  "unknown manifest format '"
                      + format
                      + "': expected mufac, raf-db, mucac or csv (own columns)");
        };
    return CsvManifestReader.builder(f)
        .optName(format)
        .optSide(intOption("side"))
        .optChannels(intOption("channels"))
        .build()
        .read(manifests);
  }

  private CsvColumns columns() {
    CsvColumns.Builder b = CsvColumns.builder(require("imageColumn"), require("labelColumn"));
    if (options.containsKey("labelNames")) {
      b.optLabelNames(names("labelNames"));
    }
    if (options.containsKey("subjectColumn")) {
      b.optSubjectColumn(require("subjectColumn"));
    }
    if (options.containsKey("subjectPattern")) {
      b.optSubjectPattern(require("subjectPattern"));
    }
    if (options.containsKey("splitColumn")) {
      b.optSplitColumn(require("splitColumn"));
    }
    return b.build();
  }

  private List<CsvManifestReader.Manifest> manifests() {
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
    return manifests;
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

  private double doubleOption(String key) {
    try {
      return Double.parseDouble(require(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "dataset option '" + key + "' must be a number, got '" + options.get(key) + "'", e);
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
