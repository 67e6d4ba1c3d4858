package io.lethe.bench.subjects;

import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.format.data.ImageDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lethe-bench subject-images}: writes a {@link SubjectImageSet}. */
@Command(
    name = "subject-images",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Writes a seeded subject-level image set derived from Fashion-MNIST: SUBJECTS subjects,"
          + " each with a persistent style (own source image per class, placement, mirror,"
          + " contrast, stroke, texture), as OUT/<class>/S<subject>_<image>.png.",
      "Read it with: unlearning --data folders --images OUT --subject-pattern '^(S\\d+)_'"
          + " --side SIDE --channels 1"
    })
public final class SubjectImagesCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "Output folder (created).")
  Path out;

  @Option(
      names = "--data-dir",
      description = "Fashion-MNIST IDX files. Default: " + "/usr/share/datasets/fashion-mnist.")
  Path dataDir = IdxDatasetReader.FASHION_MNIST_DIR;

  @Option(names = "--subjects", defaultValue = "120", description = "Default: ${DEFAULT-VALUE}.")
  int subjects;

  @Option(
      names = "--images-per-subject",
      defaultValue = "8",
      description = "Default: ${DEFAULT-VALUE}.")
  int imagesPerSubject;

  @Option(
      names = "--classes",
      defaultValue = "7",
      description =
          "The first N classes of T-shirt, trouser, pullover, dress, sandal, bag, boot, coat,"
              + " shirt, sneaker. Default: ${DEFAULT-VALUE}.")
  int classes;

  @Option(names = "--side", defaultValue = "48", description = "Default: ${DEFAULT-VALUE}.")
  int side;

  @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    ImageDataset source =
        IdxDatasetReader.fashionMnist(dataDir)
            .optTrainLimit(Math.max(2000, subjects * classes * 3))
            .optSeed(seed)
            .build()
            .read();
    int n = new SubjectImageSet(source, subjects, imagesPerSubject, classes, side, seed).write(out);
    System.out.printf("wrote %d images of %d subjects under %s%n", n, subjects, out);
    return 0;
  }
}
