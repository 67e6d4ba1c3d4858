package io.lethe.engine.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A user's own CSV column layout (rather than a {@link CsvManifestFormat} preset): which column
 * holds the image path, the label, the subject and the split. {@link #format} turns it into a
 * single-label {@link CsvManifestFormat} whose class names come from the data:
 *
 * <ul>
 *   <li>with {@code labelNames}, a label value equal to a name is that class, and a whole number
 *       {@code k} is class {@code k} (0-based) of the list;
 *   <li>without, the classes are the label column's distinct values over all manifests, sorted
 *       numerically when they are all whole numbers and alphabetically otherwise, and named by
 *       those values.
 * </ul>
 *
 * <p>The subject is a column's value, or group 1 of {@code subjectPattern} found in the image's
 * file name, or (neither) the image itself.
 */
public final class CsvColumns {
  private final String imageColumn;
  private final String labelColumn;
  private final List<String> labelNames;
  private final String subjectColumn;
  private final String subjectPattern;
  private final String splitColumn;

  private CsvColumns(Builder b) {
    this.imageColumn = b.imageColumn;
    this.labelColumn = b.labelColumn;
    this.labelNames = b.labelNames;
    this.subjectColumn = b.subjectColumn;
    this.subjectPattern = b.subjectPattern;
    this.splitColumn = b.splitColumn;
    if (subjectColumn != null && subjectPattern != null) {
      throw new IllegalArgumentException(
          "a subject column ('"
              + subjectColumn
              + "') and a subject pattern ('"
              + subjectPattern
              + "') are exclusive: choose one");
    }
    if (subjectPattern != null) {
      SubjectPattern.compile(subjectPattern);
    }
    if (labelNames != null && new TreeSet<>(labelNames).size() != labelNames.size()) {
      throw new IllegalArgumentException("label names must be distinct, got " + labelNames);
    }
  }

  /** Columns holding each image's path (relative to the image root) and its class. */
  public static Builder builder(String imageColumn, String labelColumn) {
    return new Builder(imageColumn, labelColumn);
  }

  public String imageColumn() {
    return imageColumn;
  }

  public String labelColumn() {
    return labelColumn;
  }

  /** The class names given by the user, or {@code null} to take them from the label column. */
  public List<String> labelNames() {
    return labelNames;
  }

  public String subjectColumn() {
    return subjectColumn;
  }

  public String subjectPattern() {
    return subjectPattern;
  }

  public String splitColumn() {
    return splitColumn;
  }

  /**
   * The manifest format for {@code manifests}; without label names their label column is read once
   * here to find the classes.
   */
  public CsvManifestFormat format(List<Path> manifests) throws IOException {
    CsvManifestFormat.Builder b =
        CsvManifestFormat.builder(imageColumn).optLabelColumn(labelColumn);
    List<String> names = labelNames != null ? labelNames : distinctLabels(manifests);
    Map<String, Integer> mapping = new LinkedHashMap<>();
    if (labelNames != null) {
      for (int k = 0; k < names.size(); k++) {
        mapping.put(Integer.toString(k), k);
      }
    }
    for (int k = 0; k < names.size(); k++) {
      mapping.put(names.get(k), k); // a name wins over an index spelled the same
    }
    if (names.size() < 2) {
      throw new DatasetException(
          "column '"
              + labelColumn
              + "' of "
              + manifests
              + " has "
              + names.size()
              + " distinct label value(s) "
              + names
              + ": a classifier needs at least two classes");
    }
    b.optLabelMapping(mapping).optClassNames(names);
    if (subjectColumn != null) {
      b.optSubjectColumn(subjectColumn);
    } else if (subjectPattern != null) {
      b.optSubjectPattern(subjectPattern);
    }
    if (splitColumn != null) {
      b.optSplitColumn(splitColumn);
    }
    return b.build();
  }

  private List<String> distinctLabels(List<Path> manifests) throws IOException {
    TreeSet<String> values = new TreeSet<>();
    for (Path csv : manifests) {
      if (!Files.isRegularFile(csv)) {
        throw new DatasetException("manifest " + csv + " does not exist");
      }
      List<CsvParser.Row> rows;
      try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
        rows = CsvParser.parse(in, ',', csv.toString());
      }
      if (rows.isEmpty()) {
        throw new DatasetException("manifest " + csv + " is empty: expected a header row");
      }
      List<String> header = rows.get(0).fields().stream().map(String::trim).toList();
      int column = header.indexOf(labelColumn);
      if (column < 0) {
        throw new DatasetException(
            csv + " line 1: missing column '" + labelColumn + "' (header has " + header + ")");
      }
      for (CsvParser.Row row : rows.subList(1, rows.size())) {
        if (column < row.fields().size() && !row.fields().get(column).isBlank()) {
          values.add(row.fields().get(column).trim());
        }
      }
    }
    List<String> sorted = new ArrayList<>(values);
    if (sorted.stream().allMatch(CsvColumns::isWholeNumber)) {
      sorted.sort(Comparator.comparingLong(Long::parseLong));
    }
    return sorted;
  }

  private static boolean isWholeNumber(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Optional columns of a {@link CsvColumns}. */
  public static final class Builder {
    private final String imageColumn;
    private final String labelColumn;
    private List<String> labelNames;
    private String subjectColumn;
    private String subjectPattern;
    private String splitColumn;

    private Builder(String imageColumn, String labelColumn) {
      this.imageColumn = Objects.requireNonNull(imageColumn, "imageColumn");
      this.labelColumn = Objects.requireNonNull(labelColumn, "labelColumn");
    }

    /** Class names in class-index order (default: the label column's distinct values). */
    public Builder optLabelNames(List<String> names) {
      this.labelNames = List.copyOf(names);
      return this;
    }

    /** The subject id is this column's value. */
    public Builder optSubjectColumn(String column) {
      this.subjectColumn = Objects.requireNonNull(column, "column");
      return this;
    }

    /** The subject id is group 1 of this regex found in the image's file name. */
    public Builder optSubjectPattern(String regex) {
      this.subjectPattern = Objects.requireNonNull(regex, "regex");
      return this;
    }

    /** The split is this column's value (train, val/validation, test, unseen). */
    public Builder optSplitColumn(String column) {
      this.splitColumn = Objects.requireNonNull(column, "column");
      return this;
    }

    public CsvColumns build() {
      return new CsvColumns(this);
    }
  }
}
