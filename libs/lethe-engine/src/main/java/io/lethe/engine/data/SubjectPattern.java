package io.lethe.engine.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A subject id taken from an image's file name: a Java regular expression with exactly one capture
 * group, applied with {@code find()} to the file name (not the folders above it); group 1 is the
 * subject. For {@code S010_004_00000017.png}, {@code ^(S\d+)_} gives {@code S010}.
 */
final class SubjectPattern {
  private SubjectPattern() {}

  /** Compiles {@code regex}, rejecting bad syntax and any number of groups but one. */
  static Pattern compile(String regex) {
    Pattern p;
    try {
      p = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "subject pattern '"
              + regex
              + "' is not a valid regular expression: "
              + e.getDescription(),
          e);
    }
    int groups = p.matcher("").groupCount();
    if (groups != 1) {
      throw new IllegalArgumentException(
          "subject pattern '"
              + regex
              + "' must have exactly one capture group (the subject id), it has "
              + groups);
    }
    return p;
  }

  /**
   * Group 1 of {@code pattern} in {@code fileName}.
   *
   * @param where prefix of the error message (file and line, or folder)
   * @throws DatasetException naming the file and the pattern when it does not match
   */
  static String subjectOf(Pattern pattern, String fileName, String where) {
    Matcher matcher = pattern.matcher(fileName);
    if (!matcher.find() || matcher.group(1) == null || matcher.group(1).isEmpty()) {
      throw new DatasetException(
          where
              + ": file name '"
              + fileName
              + "' does not match subject pattern '"
              + pattern
              + "'");
    }
    return matcher.group(1);
  }
}
