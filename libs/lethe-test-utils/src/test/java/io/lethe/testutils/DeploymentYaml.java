package io.lethe.testutils;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML and Compose helpers shared by the deployment files' tests. */
final class DeploymentYaml {
  private DeploymentYaml() {}

  /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME-default}} (Compose interpolation). */
  static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?}");

  /** One YAML document, anchors and {@code <<} merge keys resolved (as Compose does). */
  static Map<String, Object> yaml(String relative) {
    return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(read(relative)));
  }

  /** Every document of a multi-document YAML file ({@code ---}), empty ones skipped. */
  static List<Map<String, Object>> documents(Path file) {
    List<Map<String, Object>> docs = new ArrayList<>();
    try {
      for (Object o :
          new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
        if (o != null) {
          docs.add(map(o));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static String read(String relative) {
    try {
      return Files.readString(Repository.file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code text} as Compose would see it without a {@code .env}: each variable replaced by its
   * default (empty without one), {@code $$} by {@code $}.
   */
  static String interpolate(String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(3) == null ? "" : m.group(3)));
    }
    m.appendTail(out);
    return out.toString().replace("$$", "$");
  }

  /** Variable name to the defaults it is given in {@code text} (null: none). */
  static Map<String, Set<String>> variables(String text) {
    Map<String, Set<String>> vars = new LinkedHashMap<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      Set<String> defaults = vars.computeIfAbsent(m.group(1), k -> new TreeSet<>());
      if (m.group(3) != null) {
        defaults.add(m.group(3));
      }
    }
    return vars;
  }

  /** NAME=value lines of an env file ({@code .env.example}), comments skipped. */
  static Map<String, String> envFile(String relative) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : read(relative).split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      assertThat(eq).as(relative + ": " + l).isPositive();
      assertThat(vars.put(l.substring(0, eq), l.substring(eq + 1)))
          .as(relative + " lists " + l.substring(0, eq) + " twice")
          .isNull();
    }
    return vars;
  }

  /**
   * Every variable a service reads: the upper-case string constants of the settings classes
   * (KafkaSettings, HttpSettings, S3Settings, AuthSettings, each service's *Settings), and of
   * KafkaSecurity (TLS/SASL) and HyperparameterLimits, which read the environment too.
   */
  static Set<String> settingsVariables() {
    Pattern constant = Pattern.compile("\"([A-Z][A-Z0-9]*_[A-Z0-9_]+)\"");
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Repository.root())) {
      for (Path f :
          files
              .filter(
                  x ->
                      x.toString().endsWith("Settings.java")
                          || x.endsWith("KafkaSecurity.java")
                          || x.endsWith("HyperparameterLimits.java"))
              .filter(x -> x.toString().contains("/src/main/java/"))
              .filter(x -> !x.toString().contains("/target/"))
              .toList()) {
        Matcher m = constant.matcher(Files.readString(f));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }
}
