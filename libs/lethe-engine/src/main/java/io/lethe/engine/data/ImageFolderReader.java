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
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the common class-folder layout into an {@link ImageDataset}, without a manifest:
 *
 * <pre>
 * ROOT/&lt;class&gt;/&lt;image&gt;                 (no split: subjects are split by a SubjectSplit)
 * ROOT/&lt;split&gt;/&lt;class&gt;/&lt;image&gt;         (split folders: train, test, unseen, val)
 * </pre>
 *
 * <p>The classes are the class folders' names sorted alphabetically (over all split folders), so
 * tables name them as the data does. The subject of an image is group 1 of the subject pattern in
 * its file name (see {@link SubjectPattern}); without a pattern every image is its own subject.
 * Split folders are used when given with {@link Builder#optSplitFolders}, or detected when every
 * folder under the root is a split name ({@link Split#parse}).
 *
 * <p>Images are {@code .png .jpg .jpeg .bmp .gif} (any case), decoded and resized like {@link
 * CsvManifestReader}'s. Hidden files (a leading dot) are skipped and files beside the class folders
 * ignored; anything else that is not an image, a folder inside a class folder, an empty class
 * folder, an undecodable image or a file name that does not match the pattern fails the read with
 * the path, because a silently shrunken dataset would corrupt every unlearning metric. Sample ids
 * are the paths relative to the root ({@code happy/S010_004_00000017.png}); samples are in class,
 * then file-name order.
 */
public final class ImageFolderReader {
  private final Path root;
  private final String name;
  private final int channels;
  private final int side;
  private final Pattern subjectPattern;
  private final List<String> splitFolders;
  private final SubjectSplit subjectSplit;

  private ImageFolderReader(Builder b) {
    this.root = b.root;
    this.name = b.name;
    this.channels = b.channels;
    this.side = b.side;
    this.subjectPattern = b.subjectPattern;
    this.splitFolders = b.splitFolders;
    this.subjectSplit = b.subjectSplit;
  }

  /** A reader of the class folders under {@code root}. */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /** One image found in a class folder. */
  private record Found(Path file, String sampleId, String className, Split split) {}

  /** Reads every image under the root. */
  public ImageDataset read() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new DatasetException("image folder " + root + " does not exist");
    }
    List<Found> found = new ArrayList<>();
    List<String> splits = splitFolders != null ? splitFolders : detectSplitFolders();
    if (splits.isEmpty()) {
      found.addAll(classFolders(root, "", null));
    } else {
      for (String folder : splits) {
        Path dir = root.resolve(folder);
        if (!Files.isDirectory(dir)) {
          throw new DatasetException(
              "split folder " + dir + " does not exist (split folders: " + splits + ")");
        }
        found.addAll(classFolders(dir, folder + "/", parseSplit(folder)));
      }
    }
    List<String> classes =
        List.copyOf(new TreeSet<>(found.stream().map(Found::className).toList()));
    if (classes.size() < 2) {
      throw new DatasetException(
          root
              + " has "
              + (classes.isEmpty() ? "no class folders" : "only the class folder " + classes)
              + ": expected ROOT/<class>/<image> (or ROOT/<split>/<class>/<image>) with at least"
              + " two classes");
    }
    List<String> subjects = new ArrayList<>(found.size());
    for (Found f : found) {
      subjects.add(
          subjectPattern == null
              ? f.sampleId()
              : SubjectPattern.subjectOf(
                  subjectPattern, f.file().getFileName().toString(), f.file().toString()));
    }
    List<Split> declared = found.stream().map(Found::split).toList();
    List<Split> split = subjectSplit != null ? subjectSplit.complete(subjects, declared) : declared;
    if (split.contains(null)) {
      throw new DatasetException(
          root + " has no split folders: set a subject split (test and unseen fractions)");
    }
    List<Sample> samples = new ArrayList<>(found.size());
    for (int i = 0; i < found.size(); i++) {
      Found f = found.get(i);
      samples.add(
          new Sample(
              i,
              f.sampleId(),
              subjects.get(i),
              new int[] {classes.indexOf(f.className())},
              split.get(i)));
    }
    List<byte[]> images =
        ImageFiles.decodeAll(
            found.stream().map(f -> new ImageFiles.Source(f.file(), "class folder")).toList(),
            channels,
            side);
    return new ImageDataset(
        name, LabelSchema.singleLabel(classes), channels, side, samples, images);
  }

  /** The folders under the root when all of them are split names, else none. */
  private List<String> detectSplitFolders() throws IOException {
    List<String> folders = sortedNames(root, true);
    boolean allSplits = !folders.isEmpty();
    for (String f : folders) {
      allSplits &= isSplit(f);
    }
    return allSplits ? folders : List.of();
  }

  private static boolean isSplit(String folder) {
    try {
      Split.parse(folder);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private Split parseSplit(String folder) {
    try {
      return Split.parse(folder);
    } catch (IllegalArgumentException e) {
      throw new DatasetException("split folder '" + folder + "': " + e.getMessage(), e);
    }
  }

  private List<Found> classFolders(Path dir, String prefix, Split split) throws IOException {
    List<Found> found = new ArrayList<>();
    for (String className : sortedNames(dir, true)) {
      Path classDir = dir.resolve(className);
      List<String> files = sortedNames(classDir, false);
      List<String> subfolders = sortedNames(classDir, true);
      if (!subfolders.isEmpty()) {
        throw new DatasetException(
            "unexpected folder "
                + classDir.resolve(subfolders.get(0))
                + " inside class folder "
                + classDir
                + ": expected images directly in ROOT/<class>/ (for split folders use"
                + " ROOT/<split>/<class>/)");
      }
      if (files.isEmpty()) {
        throw new DatasetException("class folder " + classDir + " has no images");
      }
      for (String file : files) {
        if (!ImageFiles.isImage(file)) {
          throw new DatasetException(
              classDir.resolve(file)
                  + " is not an image: expected one of "
                  + ImageFiles.EXTENSIONS
                  + " (hidden files are skipped)");
        }
        found.add(
            new Found(classDir.resolve(file), prefix + className + "/" + file, className, split));
      }
    }
    return found;
  }

  /** Sorted names of the non-hidden folders (or regular files) directly in {@code dir}. */
  private static List<String> sortedNames(Path dir, boolean folders) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> folders ? Files.isDirectory(p) : Files.isRegularFile(p))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  /**
   * Options of an {@link ImageFolderReader} (default name "folders"); split folders, where present,
   * are the declared splits.
   */
  public static final class Builder extends ImageReaderBuilder<Builder> {
    private final Path root;
    private Pattern subjectPattern;
    private List<String> splitFolders;

    private Builder(Path root) {
      super("folders");
      this.root = Objects.requireNonNull(root, "root");
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** The subject id is group 1 of this regex found in the file name (default: the image). */
    public Builder optSubjectPattern(String regex) {
      this.subjectPattern = SubjectPattern.compile(regex);
      return this;
    }

    /**
     * The folders under the root that hold the splits, each named by its split (train, test,
     * unseen, val); other folders are ignored. Default: detected (every folder a split name), else
     * the root holds the class folders.
     */
    public Builder optSplitFolders(List<String> folders) {
      if (folders.isEmpty()) {
        throw new IllegalArgumentException("split folders must not be empty");
      }
      this.splitFolders = List.copyOf(folders);
      return this;
    }

    public ImageFolderReader build() {
      return new ImageFolderReader(this);
    }
  }
}
