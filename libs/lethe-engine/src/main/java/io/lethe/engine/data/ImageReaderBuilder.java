package io.lethe.engine.data;

import io.lethe.format.data.ImageDataset;
import java.util.Objects;

/**
 * The options every image-file reader shares: the dataset's name, the output geometry and how
 * subjects are split where the files declare no split. {@link CsvManifestReader.Builder} and {@link
 * ImageFolderReader.Builder} add their own.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ImageReaderBuilder<B extends ImageReaderBuilder<B>> {
  String name;
  int channels = 3;
  int side = 64;
  SubjectSplit subjectSplit;

  ImageReaderBuilder(String defaultName) {
    this.name = defaultName;
  }

  /** This builder, as its concrete type. */
  protected abstract B self();

  /** Dataset name recorded in the {@link ImageDataset} (default: the reader's kind). */
  public B optName(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return self();
  }

  /** 1 (grey, BT.601 luma) or 3 (RGB, default). */
  public B optChannels(int channels) {
    this.channels = ImageFiles.requireChannels(channels);
    return self();
  }

  /** Images are resized to {@code side x side} (default 64). */
  public B optSide(int side) {
    this.side = ImageFiles.requireSide(side);
    return self();
  }

  /**
   * Images without a declared split are split by subject with {@code split}; with declared splits
   * but no UNSEEN ones, unseen subjects are carved from TRAIN (see {@link SubjectSplit}). Without
   * this option images without a split are an error.
   */
  public B optSubjectSplit(SubjectSplit split) {
    this.subjectSplit = Objects.requireNonNull(split, "split");
    return self();
  }
}
