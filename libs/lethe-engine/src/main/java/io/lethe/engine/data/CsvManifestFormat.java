package io.lethe.engine.data;

import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to read one family of CSV manifests: which column holds the image path, the label(s), the
 * subject and the split. Manifests differ per dataset only in these names and mappings, so one
 * reader ({@link CsvManifestReader}) serves them all and presets capture the known datasets.
 *
 * <p>Labels are either one column (single-label; values mapped through {@code labelMapping}, or
 * parsed as a 0-based class index when there is no mapping) or several binary attribute columns
 * (multi-label; values {@code 0/1}, {@code true/false}, or CelebA's {@code -1/1} where -1 means
 * absent).
 *
 * <p>The subject (the person to forget) comes from a column, or from the image's file name through
 * a regular expression with one capture group; with neither, every image is its own subject (useful
 * only for datasets without identities, like RAF-DB).
 *
 * <p>The split comes from a column (values parsed by {@link Split#parse}) or, when the manifest has
 * no such column, from the fixed split given with each {@link CsvManifestReader.Manifest}.
 */
public final class CsvManifestFormat {
  private final String imageColumn;
  private final String labelColumn;
  private final List<String> attributeColumns;
  private final Map<String, Integer> labelMapping;
  private final LabelSchema labelSchema;
  private final String subjectColumn;
  private final Pattern subjectPattern;
  private final String splitColumn;
  private final char delimiter;

  private CsvManifestFormat(Builder b) {
    this.imageColumn = b.imageColumn;
    this.delimiter = b.delimiter;
    if ((b.labelColumn == null) == b.attributeColumns.isEmpty()) {
      throw new IllegalArgumentException(
          "a manifest format needs exactly one of optLabelColumn (single-label) or"
              + " optAttributeColumns (multi-label)");
    }
    if (b.subjectColumn != null && b.subjectPattern != null) {
      throw new IllegalArgumentException(
          "subject column '"
              + b.subjectColumn
              + "' and subject pattern '"
              + b.subjectPattern
              + "' are exclusive: choose one");
    }
    this.labelColumn = b.labelColumn;
    this.attributeColumns = List.copyOf(b.attributeColumns);
    this.labelMapping = Map.copyOf(b.labelMapping);
    this.subjectColumn = b.subjectColumn;
    this.subjectPattern = b.subjectPattern;
    this.splitColumn = b.splitColumn;
    this.labelSchema = schema(b);
  }

  private LabelSchema schema(Builder b) {
    if (labelColumn == null) {
      return LabelSchema.multiLabel(b.classNames != null ? b.classNames : attributeColumns);
    }
    List<String> names = b.classNames;
    if (names == null) {
      if (labelMapping.isEmpty()) {
        throw new IllegalArgumentException(
            "single-label column '" + labelColumn + "' needs optClassNames or optLabelMapping");
      }
      int n = labelMapping.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
      List<String> derived = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        final int cls = c;
        derived.add(
            b.labelMapping.entrySet().stream()
                .filter(e -> e.getValue() == cls)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(Integer.toString(c)));
      }
      names = derived;
    }
    for (Map.Entry<String, Integer> e : labelMapping.entrySet()) {
      if (e.getValue() < 0 || e.getValue() >= names.size()) {
        throw new IllegalArgumentException(
            "label mapping '"
                + e.getKey()
                + "' -> "
                + e.getValue()
                + " is outside the "
                + names.size()
                + " classes "
                + names);
      }
    }
    return LabelSchema.singleLabel(names);
  }

  /** A format whose image paths (relative to the image root) are in {@code imageColumn}. */
  public static Builder builder(String imageColumn) {
    return new Builder(imageColumn);
  }

  /**
   * MUFAC (Machine Unlearning for Facial Age Classification): columns {@code image_path} and {@code
   * age_class} with letters a–h mapped to classes 0–7 (0–6, 7–12, 13–19, 20–30, 31–45, 46–55,
   * 56–66, 67–80 years). MUFAC ships one CSV per split, so the split is fixed per manifest.
   *
   * <p>Assumption: the identity is the file-name prefix before the first '_' (pattern {@code
   * ^([^_]+)_}). Override with {@link Builder#optSubjectPattern} if your copy is named otherwise.
   */
  public static Builder mufacBuilder() {
    Map<String, Integer> ages = new LinkedHashMap<>();
    String[] letters = {"a", "b", "c", "d", "e", "f", "g", "h"};
    for (int i = 0; i < letters.length; i++) {
      ages.put(letters[i], i);
    }
    return builder("image_path")
        .optLabelColumn("age_class")
        .optLabelMapping(ages)
        .optClassNames(List.of("0-6", "7-12", "13-19", "20-30", "31-45", "46-55", "56-66", "67-80"))
        .optSubjectPattern("^([^_]+)_");
  }

  /** {@link #mufacBuilder()} as built. */
  public static CsvManifestFormat mufac() {
    return mufacBuilder().build();
  }

  /**
   * RAF-DB basic emotions: columns {@code image} and {@code label} with labels 1–7 mapped to 0–6
   * (surprise, fear, disgust, happiness, sadness, anger, neutral). RAF-DB has no identities, so
   * every image is its own subject unless a subject source is configured.
   */
  public static Builder rafDbBuilder() {
    Map<String, Integer> emotions = new LinkedHashMap<>();
    for (int i = 1; i <= 7; i++) {
      emotions.put(Integer.toString(i), i - 1);
    }
    return builder("image")
        .optLabelColumn("label")
        .optLabelMapping(emotions)
        .optClassNames(
            List.of("surprise", "fear", "disgust", "happiness", "sadness", "anger", "neutral"));
  }

  /** {@link #rafDbBuilder()} as built. */
  public static CsvManifestFormat rafDb() {
    return rafDbBuilder().build();
  }

  /**
   * MUCAC (Machine Unlearning for Celebrity Attribute Classification, from CelebA-HQ): image column
   * {@code image_path}, binary attributes {@code gender}, {@code age}, {@code smiling}, subject
   * column {@code identity} (the CelebA identity). Upstream MUCAC ships CelebA-HQ text files; this
   * preset expects them flattened to one CSV, with these assumed column names (configurable).
   */
  public static Builder mucacBuilder() {
    return builder("image_path")
        .optAttributeColumns(List.of("gender", "age", "smiling"))
        .optSubjectColumn("identity");
  }

  /** {@link #mucacBuilder()} as built. */
  public static CsvManifestFormat mucac() {
    return mucacBuilder().build();
  }

  public String imageColumn() {
    return imageColumn;
  }

  /** The single-label column, empty for multi-label formats. */
  public Optional<String> labelColumn() {
    return Optional.ofNullable(labelColumn);
  }

  /** The binary attribute columns, empty for single-label formats. */
  public List<String> attributeColumns() {
    return attributeColumns;
  }

  /** Raw label value to class index; empty means values are 0-based class indices. */
  public Map<String, Integer> labelMapping() {
    return labelMapping;
  }

  public LabelSchema labelSchema() {
    return labelSchema;
  }

  public Optional<String> subjectColumn() {
    return Optional.ofNullable(subjectColumn);
  }

  /** Applied with {@code find()} to the image's file name; group 1 is the subject id. */
  public Optional<Pattern> subjectPattern() {
    return Optional.ofNullable(subjectPattern);
  }

  public Optional<String> splitColumn() {
    return Optional.ofNullable(splitColumn);
  }

  public char delimiter() {
    return delimiter;
  }

  /** Options of a {@link CsvManifestFormat}. */
  public static final class Builder {
    private final String imageColumn;
    private String labelColumn;
    private List<String> attributeColumns = List.of();
    private Map<String, Integer> labelMapping = Map.of();
    private List<String> classNames;
    private String subjectColumn;
    private Pattern subjectPattern;
    private String splitColumn;
    private char delimiter = ',';

    private Builder(String imageColumn) {
      this.imageColumn = Objects.requireNonNull(imageColumn, "imageColumn");
    }

    /** Single-label: the column holding each image's class. */
    public Builder optLabelColumn(String column) {
      this.labelColumn = Objects.requireNonNull(column, "column");
      this.attributeColumns = List.of();
      return this;
    }

    /** Single-label: raw value to class index (e.g. MUFAC "a" to 0); unmapped values fail. */
    public Builder optLabelMapping(Map<String, Integer> mapping) {
      this.labelMapping = new LinkedHashMap<>(mapping);
      return this;
    }

    /** Class names (single-label) or attribute names (multi-label; default: the column names). */
    public Builder optClassNames(List<String> names) {
      this.classNames = List.copyOf(names);
      return this;
    }

    /** Multi-label: one binary column per attribute, in output order. */
    public Builder optAttributeColumns(List<String> columns) {
      this.attributeColumns = List.copyOf(columns);
      this.labelColumn = null;
      return this;
    }

    /** The subject id is this column's value. */
    public Builder optSubjectColumn(String column) {
      this.subjectColumn = Objects.requireNonNull(column, "column");
      this.subjectPattern = null;
      return this;
    }

    /** The subject id is group 1 of this regex found in the image's file name. */
    public Builder optSubjectPattern(String regex) {
      this.subjectPattern = SubjectPattern.compile(regex);
      this.subjectColumn = null;
      return this;
    }

    /** Every image is its own subject (the default when no column or pattern is set). */
    public Builder optSubjectPerImage() {
      this.subjectColumn = null;
      this.subjectPattern = null;
      return this;
    }

    /** The split is this column's value (train, val/validation, test, unseen). */
    public Builder optSplitColumn(String column) {
      this.splitColumn = Objects.requireNonNull(column, "column");
      return this;
    }

    /** Field delimiter (default ','). */
    public Builder optDelimiter(char delimiter) {
      this.delimiter = delimiter;
      return this;
    }

    /** Validates the combination of options. */
    public CsvManifestFormat build() {
      return new CsvManifestFormat(this);
    }
  }
}
