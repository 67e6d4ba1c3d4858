package io.lethe.engine.metrics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads per-sample losses as CSV ({@code sample_id,subject_id,group,loss}) or JSON (an
 * array of objects with the same four keys), so the membership-inference attack can be re-checked
 * independently, e.g. in Python:
 *
 * <pre>{@code
 * df = pandas.read_csv("losses.csv")
 * forget, unseen = df[df.group == "forget"].loss, df[df.group == "unseen"].loss
 * }</pre>
 *
 * <p>Losses are written with {@link Double#toString(double)}, which round-trips exactly. CSV fields
 * are quoted per RFC 4180 when they contain a comma, quote or line break.
 */
public final class PerSampleLossExport {
  /** The CSV header line. */
  public static final String CSV_HEADER = "sample_id,subject_id,group,loss";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PerSampleLossExport() {}

  public static void writeCsv(Path path, List<LabelledLoss> losses) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      writeCsv(w, losses);
    }
  }

  public static void writeCsv(Writer out, List<LabelledLoss> losses) throws IOException {
    out.write(CSV_HEADER);
    out.write('\n');
    for (LabelledLoss l : losses) {
      out.write(quote(l.sampleId()));
      out.write(',');
      out.write(quote(l.subjectId()));
      out.write(',');
      out.write(l.group());
      out.write(',');
      out.write(Double.toString(l.loss()));
      out.write('\n');
    }
    out.flush();
  }

  public static List<LabelledLoss> readCsv(Path path) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return readCsv(r);
    }
  }

  /**
   * @throws IllegalArgumentException if the header is not {@link #CSV_HEADER}, a row does not have
   *     four fields, or a value is invalid; the message names the record number
   */
  public static List<LabelledLoss> readCsv(Reader in) throws IOException {
    List<List<String>> records = parseCsv(in);
    if (records.isEmpty() || !String.join(",", records.get(0)).equals(CSV_HEADER)) {
      throw new IllegalArgumentException(
          "per-sample loss CSV must start with the header '" + CSV_HEADER + "'");
    }
    List<LabelledLoss> result = new ArrayList<>(records.size() - 1);
    for (int r = 1; r < records.size(); r++) {
      List<String> f = records.get(r);
      if (f.size() != 4) {
        throw new IllegalArgumentException(
            "CSV record " + (r + 1) + " has " + f.size() + " fields, expected 4");
      }
      double loss;
      try {
        loss = Double.parseDouble(f.get(3));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "CSV record " + (r + 1) + " has loss '" + f.get(3) + "', not a number", e);
      }
      try {
        result.add(new LabelledLoss(f.get(0), f.get(1), f.get(2), loss));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("CSV record " + (r + 1) + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(result);
  }

  public static void writeJson(Path path, List<LabelledLoss> losses) throws IOException {
    MAPPER.writeValue(path.toFile(), losses);
  }

  public static void writeJson(Writer out, List<LabelledLoss> losses) throws IOException {
    MAPPER.writeValue(out, losses);
  }

  public static List<LabelledLoss> readJson(Path path) throws IOException {
    return List.copyOf(MAPPER.readValue(path.toFile(), new TypeReference<List<LabelledLoss>>() {}));
  }

  public static List<LabelledLoss> readJson(Reader in) throws IOException {
    return List.copyOf(MAPPER.readValue(in, new TypeReference<List<LabelledLoss>>() {}));
  }

  /** The losses of one group, in list order: e.g. the members of the attack are {@code forget}. */
  public static double[] lossesOf(List<LabelledLoss> losses, String group) {
    if (!LabelledLoss.GROUPS.contains(group)) {
      throw new IllegalArgumentException(
          "unknown group '" + group + "', expected one of " + LabelledLoss.GROUPS);
    }
    return losses.stream()
        .filter(l -> l.group().equals(group))
        .mapToDouble(LabelledLoss::loss)
        .toArray();
  }

  private static String quote(String field) {
    if (field.indexOf(',') < 0
        && field.indexOf('"') < 0
        && field.indexOf('\n') < 0
        && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  /** RFC 4180 records; a trailing line break does not start a new record. */
  private static List<List<String>> parseCsv(Reader source) throws IOException {
    Reader in = source.markSupported() ? source : new BufferedReader(source);
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean fieldStarted = false;
    int ch;
    while ((ch = in.read()) != -1) {
      char c = (char) ch;
      if (quoted) {
        if (c == '"') {
          in.mark(1);
          int next = in.read();
          if (next == '"') {
            field.append('"');
          } else {
            quoted = false;
            if (next != -1) {
              in.reset();
            }
          }
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0) {
        quoted = true;
        fieldStarted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
        fieldStarted = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r') {
          in.mark(1);
          if (in.read() != '\n') {
            in.reset();
          }
        }
        if (fieldStarted || field.length() > 0 || !record.isEmpty()) {
          record.add(field.toString());
          records.add(record);
        }
        record = new ArrayList<>();
        field.setLength(0);
        fieldStarted = false;
      } else {
        field.append(c);
        fieldStarted = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("CSV ends inside a quoted field");
    }
    if (fieldStarted || field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }
}
