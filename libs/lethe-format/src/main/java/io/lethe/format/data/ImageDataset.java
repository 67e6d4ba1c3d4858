package io.lethe.format.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory image dataset: samples (ids, subjects, labels, splits) plus their pixels, already
 * decoded and resized to {@code side x side} with {@code channels} channels, stored as unsigned
 * bytes in CHW order. Pixels are handed out in [0,1]; normalisation is the model's job, so that
 * perturbations live in pixel space.
 */
public final class ImageDataset {
  private final String name;
  private final LabelSchema labelSchema;
  private final int channels;
  private final int side;
  private final List<Sample> samples;
  private final List<byte[]> pixels;
  private volatile String fingerprint;
  // Set on a dataset whose bytes had subjects erased: the fingerprint of the dataset it was erased
  // from, which stays its identity (see erase).
  private String identity;
  private java.util.Set<String> erased = java.util.Set.of();

  /**
   * @param pixels one array of {@code channels*side*side} unsigned bytes (CHW) per sample, in
   *     sample order
   */
  public ImageDataset(
      String name,
      LabelSchema labelSchema,
      int channels,
      int side,
      List<Sample> samples,
      List<byte[]> pixels) {
    this.name = Objects.requireNonNull(name, "name");
    this.labelSchema = Objects.requireNonNull(labelSchema, "labelSchema");
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (side < 1) {
      throw new IllegalArgumentException("side must be positive, got " + side);
    }
    if (samples.size() != pixels.size()) {
      throw new IllegalArgumentException(
          samples.size() + " samples but " + pixels.size() + " images");
    }
    int expected = channels * side * side;
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (s.index() != i) {
        throw new IllegalArgumentException(
            "sample " + s.sampleId() + " has index " + s.index() + " but sits at position " + i);
      }
      if (pixels.get(i).length != expected) {
        throw new IllegalArgumentException(
            "image of "
                + s.sampleId()
                + " has "
                + pixels.get(i).length
                + " bytes, expected "
                + expected);
      }
      validateLabels(s);
    }
    this.channels = channels;
    this.side = side;
    this.samples = List.copyOf(samples);
    this.pixels = new ArrayList<>(pixels);
  }

  private void validateLabels(Sample s) {
    int[] labels = s.labels();
    if (labelSchema.multiLabel()) {
      if (labels.length != labelSchema.numOutputs()) {
        throw new IllegalArgumentException(
            "sample "
                + s.sampleId()
                + " has "
                + labels.length
                + " attribute values, expected "
                + labelSchema.numOutputs());
      }
      for (int v : labels) {
        if (v != 0 && v != 1) {
          throw new IllegalArgumentException(
              "sample " + s.sampleId() + " has attribute value " + v + ", expected 0 or 1");
        }
      }
    } else if (labels.length != 1 || labels[0] < 0 || labels[0] >= labelSchema.numOutputs()) {
      throw new IllegalArgumentException(
          "sample "
              + s.sampleId()
              + " has label "
              + java.util.Arrays.toString(labels)
              + ", expected one class in [0,"
              + labelSchema.numOutputs()
              + ")");
    }
  }

  public String name() {
    return name;
  }

  public LabelSchema labelSchema() {
    return labelSchema;
  }

  public int channels() {
    return channels;
  }

  public int side() {
    return side;
  }

  public int size() {
    return samples.size();
  }

  public List<Sample> samples() {
    return samples;
  }

  public Sample sample(int index) {
    return samples.get(index);
  }

  /** Copies the image of sample {@code index} into {@code dest} at {@code offset}, in [0,1]. */
  public void copyPixels(int index, float[] dest, int offset) {
    byte[] src = pixels.get(index);
    for (int i = 0; i < src.length; i++) {
      dest[offset + i] = (src[i] & 0xFF) / 255f;
    }
  }

  /** Number of values in one image: channels * side * side. */
  public int imageSize() {
    return channels * side * side;
  }

  /**
   * The next version of this dataset after forgetting {@code subjects}: their TRAIN samples are
   * removed so that no later (re)training can see them; samples of other splits, all other samples,
   * pixels and the name are kept, and samples are re-indexed densely in the same order. The
   * fingerprint therefore changes, which tells checkpoints apart.
   *
   * @throws IllegalArgumentException if a subject has no TRAIN sample (listing the unknown ids)
   */
  public ImageDataset withoutSubjects(java.util.Set<String> subjects) {
    java.util.SortedSet<String> unknown = new java.util.TreeSet<>(subjects);
    for (Sample s : samples) {
      if (s.split() == Split.TRAIN) {
        unknown.remove(s.subjectId());
      }
    }
    unknown.removeAll(erased); // erased: already removed
    if (!unknown.isEmpty()) {
      // Counted, not named: the message may reach a service's log, and a subject id is personal.
      throw new IllegalArgumentException(
          unknown.size()
              + " of the "
              + subjects.size()
              + " subject(s) have no TRAIN samples in "
              + name
              + ": nothing to remove");
    }
    List<Sample> keptSamples = new ArrayList<>();
    List<byte[]> keptPixels = new ArrayList<>();
    for (Sample s : samples) {
      if (s.split() == Split.TRAIN && subjects.contains(s.subjectId())) {
        continue;
      }
      keptSamples.add(
          new Sample(keptSamples.size(), s.sampleId(), s.subjectId(), s.labels(), s.split()));
      keptPixels.add(pixels.get(s.index()));
    }
    ImageDataset out = new ImageDataset(name, labelSchema, channels, side, keptSamples, keptPixels);
    out.erased = erased;
    return out;
  }

  /**
   * This dataset with every sample of {@code subjects} (all splits) and their pixels removed, but
   * with this dataset's {@link #fingerprint()} as its identity: the bytes of people who asked to be
   * erased are gone, while checkpoints trained on the original still match it. This is sound only
   * for subjects that every lineage on the dataset has already forgotten (tombstoned), so no
   * training can use them any more; {@link #withoutSubjects} accepts them as already removed.
   * {@link #contentFingerprint()} hashes what is left.
   */
  public ImageDataset erase(java.util.Set<String> subjects) {
    java.util.Set<String> all = new java.util.TreeSet<>(erased);
    all.addAll(subjects);
    List<Sample> keptSamples = new ArrayList<>();
    List<byte[]> keptPixels = new ArrayList<>();
    for (Sample s : samples) {
      if (subjects.contains(s.subjectId())) {
        continue;
      }
      keptSamples.add(
          new Sample(keptSamples.size(), s.sampleId(), s.subjectId(), s.labels(), s.split()));
      keptPixels.add(pixels.get(s.index()));
    }
    ImageDataset out = new ImageDataset(name, labelSchema, channels, side, keptSamples, keptPixels);
    return out.withIdentity(fingerprint(), all);
  }

  /**
   * {@code content}, rebuilt from stored bytes after an erasure, with the identity of the dataset
   * it was erased from (see {@link #erase}).
   *
   * @param fingerprint the fingerprint of the dataset before any erasure
   * @param erasedSubjects every subject erased from it
   */
  public static ImageDataset erasureOf(
      ImageDataset content, String fingerprint, java.util.Set<String> erasedSubjects) {
    ImageDataset copy =
        new ImageDataset(
            content.name,
            content.labelSchema,
            content.channels,
            content.side,
            content.samples,
            content.pixels);
    return copy.withIdentity(Objects.requireNonNull(fingerprint, "fingerprint"), erasedSubjects);
  }

  private ImageDataset withIdentity(String fingerprint, java.util.Set<String> erasedSubjects) {
    this.identity = fingerprint;
    this.erased = java.util.Set.copyOf(erasedSubjects);
    return this;
  }

  /** The subjects whose samples were erased from this dataset (empty for an uploaded one). */
  public java.util.Set<String> erasedSubjects() {
    return erased;
  }

  /** A hash of the samples and pixels actually held (equal to the fingerprint unless erased). */
  public String contentFingerprint() {
    String f = fingerprint;
    if (f == null) {
      f = computeFingerprint();
      fingerprint = f;
    }
    return f;
  }

  /**
   * A content hash of the whole dataset: sample ids, subjects, labels, splits and pixels. Two
   * datasets with the same fingerprint train the same model; a checkpoint records it. A dataset
   * with erased subjects keeps the fingerprint of the one it was erased from (see {@link #erase}).
   */
  public String fingerprint() {
    return identity != null ? identity : contentFingerprint();
  }

  private String computeFingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(
          (labelSchema.names() + "|" + labelSchema.multiLabel() + "|" + channels + "|" + side)
              .getBytes(StandardCharsets.UTF_8));
      for (Sample s : samples) {
        md.update(
            (s.sampleId()
                    + "|"
                    + s.subjectId()
                    + "|"
                    + java.util.Arrays.toString(s.labels())
                    + "|"
                    + s.split()
                    + "\n")
                .getBytes(StandardCharsets.UTF_8));
        md.update(pixels.get(s.index()));
      }
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
