package io.lethe.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a Grafana dashboard queries, read from the PromQL of every panel's targets
 * (rows' nested panels included). An end-to-end test can then assert that each one is exported by a
 * running service, so a renamed meter breaks a test instead of silently emptying a panel.
 *
 * <p>The PromQL reading is deliberately small: it removes strings, label matchers ({@code {..}}),
 * range selectors ({@code [..]}) and grouping clauses ({@code by (..)}, {@code on (..)}, ...), then
 * keeps every identifier that is not a function call, keyword or number. That is exact for the
 * selector-and-aggregation queries dashboards use.
 */
public final class DashboardMetrics {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*}");
  private static final Pattern BRACKETS = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "and",
          "or",
          "unless",
          "inf",
          "nan");

  private DashboardMetrics() {}

  /** Every metric name queried by the dashboard JSON at {@code dashboard}, sorted. */
  public static Set<String> referencedMetricNames(Path dashboard) {
    Set<String> names = new TreeSet<>();
    for (String expr : expressions(dashboard)) {
      names.addAll(metricNames(expr));
    }
    return names;
  }

  /** The PromQL {@code expr} of every target of every panel, in dashboard order. */
  public static List<String> expressions(Path dashboard) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(dashboard));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard " + dashboard, e);
    }
    List<String> out = new ArrayList<>();
    collect(root.path("panels"), out);
    return out;
  }

  private static void collect(JsonNode panels, List<String> out) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText("");
        if (!expr.isBlank()) {
          out.add(expr);
        }
      }
      collect(panel.path("panels"), out); // collapsed rows keep their panels inside
    }
  }

  /** The metric names in one PromQL expression. */
  public static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll(" ");
    s = BRACES.matcher(s).replaceAll(" ");
    s = BRACKETS.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String id = m.group();
      if (KEYWORDS.contains(id.toLowerCase(java.util.Locale.ROOT))
          || s.substring(m.end()).stripLeading().startsWith("(")) {
        continue; // a keyword, or a function / aggregation call
      }
      names.add(id);
    }
    return names;
  }
}
