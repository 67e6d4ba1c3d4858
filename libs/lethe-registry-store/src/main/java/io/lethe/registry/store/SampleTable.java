package io.lethe.registry.store;

import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code samples.csv} of a dataset snapshot: one row per sample, in dataset order, with the header
 * {@code sample_id,subject_id,label,split}. {@code label} is the class index, or for a multi-label
 * dataset the 0/1 attribute values separated by spaces; {@code split} is the lower-case {@link
 * Split} name. Fields are quoted (RFC 4180) when they hold a comma, a quote or a line break, since
 * sample ids are often file paths. Plain text on purpose: an auditor reads it without Lethe.
 */
final class SampleTable {
  static final String HEADER = "sample_id,subject_id,label,split";

  private SampleTable() {}

  static byte[] encode(List<Sample> samples) {
    StringBuilder out = new StringBuilder(samples.size() * 32).append(HEADER).append('\n');
    for (Sample s : samples) {
      int[] labels = s.labels();
      StringBuilder label = new StringBuilder();
      for (int i = 0; i < labels.length; i++) {
        label.append(i == 0 ? "" : " ").append(labels[i]);
      }
      out.append(field(s.sampleId()))
          .append(',')
          .append(field(s.subjectId()))
          .append(',')
          .append(label)
          .append(',')
          .append(s.split().name().toLowerCase(Locale.ROOT))
          .append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The samples, indexed densely in row order.
   *
   * @param where names the object in error messages
   * @throws IllegalArgumentException naming the row that is malformed
   */
  static List<Sample> decode(byte[] csv, String where) {
    List<List<String>> rows = parse(new String(csv, StandardCharsets.UTF_8), where);
    if (rows.isEmpty() || !String.join(",", rows.get(0)).equals(HEADER)) {
      throw new IllegalArgumentException(where + ": the first line must be '" + HEADER + "'");
    }
    List<Sample> samples = new ArrayList<>(rows.size() - 1);
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      String at = where + " line " + (r + 1);
      if (row.size() != 4) {
        throw new IllegalArgumentException(at + ": expected 4 fields, found " + row.size());
      }
      String[] parts = row.get(2).trim().split(" +");
      int[] labels = new int[parts.length];
      try {
        for (int i = 0; i < parts.length; i++) {
          labels[i] = Integer.parseInt(parts[i]);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(at + ": label '" + row.get(2) + "' is not an integer");
      }
      samples.add(
          new Sample(samples.size(), row.get(0), row.get(1), labels, Split.parse(row.get(3))));
    }
    return samples;
  }

  private static String field(String value) {
    if (value.indexOf(',') < 0
        && value.indexOf('"') < 0
        && value.indexOf('\n') < 0
        && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  /** RFC 4180 rows; a trailing newline does not start an empty row. */
  private static List<List<String>> parse(String text, String where) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean rowStarted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          quoted = true;
          rowStarted = true;
        }
        case ',' -> {
          row.add(cell.toString());
          cell.setLength(0);
          rowStarted = true;
        }
        case '\r' -> {}
        case '\n' -> {
          row.add(cell.toString());
          cell.setLength(0);
          rows.add(row);
          row = new ArrayList<>();
          rowStarted = false;
        }
        default -> {
          cell.append(c);
          rowStarted = true;
        }
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(where + ": unterminated quoted field");
    }
    if (rowStarted) {
      row.add(cell.toString());
      rows.add(row);
    }
    return rows;
  }
}
