package io.lethe.engine.data;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads image datasets described by CSV manifests (one row per image) into an {@link ImageDataset},
 * following a {@link CsvManifestFormat}. Several manifests can be combined, for datasets that ship
 * one CSV per split (MUFAC):
 *
 * <pre>{@code
 * ImageDataset ds = CsvManifestReader.builder(CsvManifestFormat.mufac()).optName("mufac")
 *     .optSide(64).build().read(List.of(
 *         Manifest.of(root.resolve("custom_train_dataset.csv"), root.resolve("train_images"),
 *             Split.TRAIN),
 *         Manifest.of(root.resolve("custom_test_dataset.csv"), root.resolve("test_images"),
 *             Split.TEST)));
 * }</pre>
 *
 * <p>Images are decoded with ImageIO (PNG, JPEG, BMP, GIF), converted to the requested channels and
 * resized to {@code side x side} by bilinear interpolation (see {@link Pixels}); no aspect ratio is
 * preserved, face crops are square already. Decoding runs in parallel.
 *
 * <p>No row is ever dropped silently: a missing column, unknown label, missing or undecodable
 * image, duplicate image or unparsable split fails the whole read with the manifest file, line
 * number and reason, because a silently shrunken dataset would corrupt every unlearning metric.
 * Sample ids are the image column's values; samples keep manifest order.
 */
public final class CsvManifestReader {
  private final CsvManifestFormat format;
  private final String name;
  private final int channels;
  private final int side;
  private final SubjectSplit subjectSplit;

  private CsvManifestReader(Builder b) {
    this.format = b.format;
    this.name = b.name;
    this.channels = b.channels;
    this.side = b.side;
    this.subjectSplit = b.subjectSplit;
  }

  public static Builder builder(CsvManifestFormat format) {
    return new Builder(format);
  }

  /**
   * One manifest file.
   *
   * @param csv the CSV file (header row first)
   * @param imageRoot directory the image column's paths are relative to
   * @param split the split of every row, or {@code null} to read the format's split column
   */
  public record Manifest(Path csv, Path imageRoot, Split split) {
    public Manifest {
      Objects.requireNonNull(csv, "csv");
      Objects.requireNonNull(imageRoot, "imageRoot");
    }

    /** A manifest whose split comes from the format's split column. */
    public static Manifest of(Path csv, Path imageRoot) {
      return new Manifest(csv, imageRoot, null);
    }

    /** A manifest all of whose rows belong to {@code split}. */
    public static Manifest of(Path csv, Path imageRoot, Split split) {
      return new Manifest(csv, imageRoot, Objects.requireNonNull(split, "split"));
    }
  }

  /** Reads one manifest. */
  public ImageDataset read(Manifest manifest) throws IOException {
    return read(List.of(manifest));
  }

  /** Reads and concatenates several manifests, in the given order. */
  public ImageDataset read(List<Manifest> manifests) throws IOException {
    if (manifests.isEmpty()) {
      throw new IllegalArgumentException("no manifests to read");
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, Entry> byId = new HashMap<>();
    for (Manifest m : manifests) {
      for (Entry e : entries(m)) {
        Entry previous = byId.putIfAbsent(e.sampleId, e);
        if (previous != null) {
          throw new DatasetException(
              e.where()
                  + ": image '"
                  + e.sampleId
                  + "' is already listed at "
                  + previous.where()
                  + " (duplicate rows would be counted twice)");
        }
        entries.add(e);
      }
    }
    List<byte[]> images =
        ImageFiles.decodeAll(
            entries.stream().map(e -> new ImageFiles.Source(e.image, e.where())).toList(),
            channels,
            side);
    List<Split> splits = entries.stream().map(e -> e.split).toList();
    if (subjectSplit != null) {
      splits = subjectSplit.complete(entries.stream().map(e -> e.subject).toList(), splits);
    }
    List<Sample> samples = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      samples.add(new Sample(i, e.sampleId, e.subject, e.labels, splits.get(i)));
    }
    return new ImageDataset(name, format.labelSchema(), channels, side, samples, images);
  }

  /** A validated row, image not yet decoded. */
  private record Entry(
      Path csv, int line, String sampleId, Path image, String subject, int[] labels, Split split) {
    String where() {
      return csv + " line " + line;
    }
  }

  private List<Entry> entries(Manifest m) throws IOException {
    if (!Files.isRegularFile(m.csv())) {
      throw new DatasetException("manifest " + m.csv() + " does not exist");
    }
    List<CsvParser.Row> rows;
    try (Reader in = Files.newBufferedReader(m.csv(), StandardCharsets.UTF_8)) {
      rows = CsvParser.parse(in, format.delimiter(), m.csv().toString());
    }
    if (rows.isEmpty()) {
      throw new DatasetException("manifest " + m.csv() + " is empty: expected a header row");
    }
    List<String> header = rows.get(0).fields().stream().map(String::trim).toList();
    Columns cols = new Columns(m, header);
    if (rows.size() == 1) {
      throw new DatasetException("manifest " + m.csv() + " has a header but no rows");
    }
    List<Entry> entries = new ArrayList<>(rows.size() - 1);
    for (CsvParser.Row row : rows.subList(1, rows.size())) {
      entries.add(entry(m, cols, row));
    }
    return entries;
  }

  /** Positions of the format's columns in one manifest's header. */
  private final class Columns {
    final int image;
    final int label;
    final int[] attributes;
    final int subject;
    final int split;
    final int width;

    Columns(Manifest m, List<String> header) {
      width = header.size();
      image = require(m, header, format.imageColumn());
      label = format.labelColumn().map(c -> require(m, header, c)).orElse(-1);
      attributes =
          format.attributeColumns().stream().mapToInt(c -> require(m, header, c)).toArray();
      subject = format.subjectColumn().map(c -> require(m, header, c)).orElse(-1);
      if (m.split() != null || (subjectSplit != null && format.splitColumn().isEmpty())) {
        split = -1;
      } else {
        split =
            format
                .splitColumn()
                .map(c -> require(m, header, c))
                .orElseThrow(
                    () ->
                        new DatasetException(
                            "manifest "
                                + m.csv()
                                + " has no fixed split and the format has no split column:"
                                + " use Manifest.of(csv, root, split), optSplitColumn(..) or"
                                + " optSubjectSplit(..)"));
      }
    }

    private int require(Manifest m, List<String> header, String column) {
      int i = header.indexOf(column);
      if (i < 0) {
        throw new DatasetException(
            m.csv() + " line 1: missing column '" + column + "' (header has " + header + ")");
      }
      return i;
    }
  }

  private Entry entry(Manifest m, Columns cols, CsvParser.Row row) {
    String where = m.csv() + " line " + row.line();
    List<String> f = row.fields();
    if (f.size() != cols.width) {
      throw new DatasetException(
          where + ": " + f.size() + " fields but the header has " + cols.width);
    }
    String relative = f.get(cols.image).trim();
    if (relative.isEmpty()) {
      throw new DatasetException(
          where + ": empty image path in column '" + format.imageColumn() + "'");
    }
    Path image = m.imageRoot().resolve(relative).normalize();
    if (!Files.isRegularFile(image)) {
      throw new DatasetException(where + ": missing image file " + image);
    }
    int[] labels =
        cols.label >= 0 ? new int[] {label(where, f.get(cols.label))} : attributes(where, cols, f);
    String subject = subject(where, cols, f, relative);
    Split split;
    if (m.split() != null) {
      split = m.split();
    } else if (cols.split < 0) {
      split = null; // assigned per subject by the SubjectSplit
    } else {
      try {
        split = Split.parse(f.get(cols.split));
      } catch (IllegalArgumentException e) {
        throw new DatasetException(where + ": " + e.getMessage(), e);
      }
    }
    return new Entry(m.csv(), row.line(), relative, image, subject, labels, split);
  }

  private int label(String where, String raw) {
    String value = raw.trim();
    LabelSchema schema = format.labelSchema();
    if (!format.labelMapping().isEmpty()) {
      Integer c = format.labelMapping().get(value);
      if (c == null) {
        throw new DatasetException(
            where
                + ": unknown label value '"
                + value
                + "' in column '"
                + format.labelColumn().orElseThrow()
                + "', expected one of "
                + format.labelMapping().keySet().stream().sorted().toList());
      }
      return c;
    }
    try {
      int c = Integer.parseInt(value);
      if (c >= 0 && c < schema.numOutputs()) {
        return c;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new DatasetException(
        where
            + ": unknown label value '"
            + value
            + "' in column '"
            + format.labelColumn().orElseThrow()
            + "', expected a class index in [0,"
            + schema.numOutputs()
            + ")");
  }

  private int[] attributes(String where, Columns cols, List<String> f) {
    int[] values = new int[cols.attributes.length];
    for (int a = 0; a < values.length; a++) {
      String value = f.get(cols.attributes[a]).trim().toLowerCase(java.util.Locale.ROOT);
      switch (value) {
        case "1", "true" -> values[a] = 1;
        case "0", "-1", "false" -> values[a] = 0;
        default ->
            throw new DatasetException(
                where
                    + ": unknown label value '"
                    + f.get(cols.attributes[a])
                    + "' in attribute column '"
                    + format.attributeColumns().get(a)
                    + "', expected 0/1, true/false or -1/1");
      }
    }
    return values;
  }

  private String subject(String where, Columns cols, List<String> f, String relative) {
    if (cols.subject >= 0) {
      String s = f.get(cols.subject).trim();
      if (s.isEmpty()) {
        throw new DatasetException(
            where + ": empty subject id in column '" + format.subjectColumn().orElseThrow() + "'");
      }
      return s;
    }
    Optional<java.util.regex.Pattern> pattern = format.subjectPattern();
    if (pattern.isEmpty()) {
      return relative;
    }
    return SubjectPattern.subjectOf(
        pattern.get(), Path.of(relative).getFileName().toString(), where);
  }

  /** Options of a {@link CsvManifestReader} (default name "manifest"). */
  public static final class Builder extends ImageReaderBuilder<Builder> {
    private final CsvManifestFormat format;

    private Builder(CsvManifestFormat format) {
      super("manifest");
      this.format = Objects.requireNonNull(format, "format");
    }

    @Override
    protected Builder self() {
      return this;
    }

    public CsvManifestReader build() {
      return new CsvManifestReader(this);
    }
  }
}
