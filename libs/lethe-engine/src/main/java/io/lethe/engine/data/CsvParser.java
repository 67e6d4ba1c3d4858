package io.lethe.engine.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC-4180 CSV parser: fields separated by a delimiter, optionally enclosed in double
 * quotes, with {@code ""} escaping a quote and quoted fields spanning line breaks; LF and CRLF line
 * ends; a leading UTF-8 byte-order mark is ignored; blank lines are skipped. Manifests are a few
 * thousand rows, so a dependency is not worth it; what matters is that every record knows the line
 * it starts on, for error messages.
 */
final class CsvParser {
  /** One record and the 1-based line on which it starts. */
  record Row(int line, List<String> fields) {
    Row {
      fields = List.copyOf(fields);
    }
  }

  private CsvParser() {}

  /** All records of {@code in}; {@code source} names the input in error messages. */
  static List<Row> parse(Reader raw, char delimiter, String source) throws IOException {
    Reader in = raw.markSupported() ? raw : new BufferedReader(raw);
    List<Row> rows = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int line = 1;
    int rowLine = 1;
    boolean quoted = false;
    boolean fieldWasQuoted = false;
    boolean rowHasContent = false;
    boolean first = true;
    int c;
    while ((c = in.read()) != -1) {
      if (first) {
        first = false;
        if (c == '\uFEFF') {
          continue;
        }
      }
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
          if (c == '\n') {
            line++;
          }
          field.append((char) c);
        }
        continue;
      }
      if (c == '"') {
        if (field.length() > 0 || fieldWasQuoted) {
          throw new DatasetException(
              source + " line " + line + ": quote inside an unquoted field (RFC 4180)");
        }
        quoted = true;
        fieldWasQuoted = true;
        rowHasContent = true;
      } else if (c == delimiter) {
        fields.add(field.toString());
        field.setLength(0);
        fieldWasQuoted = false;
        rowHasContent = true;
      } else if (c == '\r') {
        // part of CRLF; a bare CR is treated the same way
      } else if (c == '\n') {
        if (rowHasContent || field.length() > 0) {
          fields.add(field.toString());
          rows.add(new Row(rowLine, fields));
        }
        fields = new ArrayList<>();
        field.setLength(0);
        fieldWasQuoted = false;
        rowHasContent = false;
        line++;
        rowLine = line;
      } else {
        if (fieldWasQuoted) {
          throw new DatasetException(
              source + " line " + line + ": text after the closing quote of a field");
        }
        field.append((char) c);
        rowHasContent = true;
      }
    }
    if (quoted) {
      throw new DatasetException(
          source + " line " + rowLine + ": quoted field is never closed before the end of file");
    }
    if (rowHasContent || field.length() > 0) {
      fields.add(field.toString());
      rows.add(new Row(rowLine, fields));
    }
    return rows;
  }
}
