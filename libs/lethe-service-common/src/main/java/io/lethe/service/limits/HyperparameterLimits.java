package io.lethe.service.limits;

import io.lethe.api.Method;
import io.lethe.api.Violation;
import io.lethe.config.ConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The hyperparameters a forget request may carry, per method, and the values each may take:
 * operator policy, so that {@code {"method":"retrain","hyperparameters":{"epochs":2000000000}}} is
 * refused at the door (the intake answers 422) and again by the worker (forget requests can be
 * produced by anything) instead of blocking every later deletion for that model.
 *
 * <p>Built-in defaults cover exactly the keys the worker accepts (see {@code DefaultLimits} for the
 * ranges and why); {@value #ENV} overrides ranges key by key, e.g. {@code
 * dlfd.epochs=1..20,retrain.epochs=1..50,dlfd.learningRate=1e-6..0.5,dlfd.dynamicForgetting=true}.
 * An operator may narrow or widen a range, but never beyond what the engine accepts, and never add
 * a key: a limit the worker cannot honour would turn a 422 at the intake into a failed job later.
 * Immutable and thread-safe.
 */
public final class HyperparameterLimits {
  /** The environment variable with the operator's ranges. */
  public static final String ENV = "LETHE_HYPERPARAMETER_LIMITS";

  private static final Map<Method, Map<String, DefaultLimits.Row>> TABLE = DefaultLimits.table();
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
  private static final HyperparameterLimits DEFAULTS = defaultsFromTable();

  private final Map<Method, Map<String, Bound>> ranges;

  private HyperparameterLimits(Map<Method, Map<String, Bound>> ranges) {
    Map<Method, Map<String, Bound>> copy = new EnumMap<>(Method.class);
    ranges.forEach((m, r) -> copy.put(m, Collections.unmodifiableMap(new TreeMap<>(r))));
    this.ranges = Collections.unmodifiableMap(copy);
  }

  /** The built-in ranges. */
  public static HyperparameterLimits defaults() {
    return DEFAULTS;
  }

  /** From the process environment; see {@link #fromEnv(Map)}. */
  public static HyperparameterLimits fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * The defaults with {@value #ENV}'s ranges applied (the defaults alone when unset or blank).
   *
   * @throws ConfigException naming {@value #ENV} and the entry that is malformed
   */
  public static HyperparameterLimits fromEnv(Map<String, String> env) {
    String spec = env.get(ENV);
    return spec == null ? DEFAULTS : parse(spec);
  }

  /**
   * The defaults with the ranges of {@code spec} applied: comma-separated {@code method.key=range}
   * entries, a range being {@code min..max} (both inclusive), a single value, for booleans {@code
   * true}, {@code false} or {@code true|false}, and for choices names joined by {@code |} (e.g.
   * {@code dlfd.featureSource=logits}).
   *
   * @throws ConfigException naming {@value #ENV} and the entry that is malformed
   */
  public static HyperparameterLimits parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    HyperparameterLimits limits = DEFAULTS;
    if (spec.isBlank()) {
      return limits;
    }
    Set<String> seen = new HashSet<>();
    for (String raw : spec.split(",", -1)) {
      String entry = raw.trim();
      int eq = entry.indexOf('=');
      int dot = entry.indexOf('.');
      if (eq < 0 || dot < 0 || dot > eq) {
        throw config("entry '" + entry + "' is not method.key=range (e.g. dlfd.epochs=1..20)");
      }
      String name = entry.substring(0, eq).trim();
      if (!seen.add(name)) {
        throw config("'" + name + "' is set twice");
      }
      Method method = methodNamed(entry.substring(0, dot).trim(), entry);
      String key = entry.substring(dot + 1, eq).trim();
      DefaultLimits.Row row = TABLE.get(method).get(key);
      if (row == null) {
        throw config(
            "entry '"
                + entry
                + "': "
                + unknownKeyMessage(method, "no " + name(method) + " key '" + key + "'"));
      }
      Bound range;
      try {
        range = row.engine().parseSameKind(entry.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw config("entry '" + entry + "': " + e.getMessage());
      }
      if (!row.engine().covers(range)) {
        throw config(
            "entry '"
                + entry
                + "': the engine accepts only "
                + row.engine().spec()
                + " for "
                + name);
      }
      limits = limits.with(method, key, range);
    }
    return limits;
  }

  /**
   * Every way {@code hyperparameters} break these limits for {@code method}, sorted by key, each
   * with the path {@code $.hyperparameters.<key>}; empty when they keep them. Unknown keys are
   * violations listing the allowed ones; values of the wrong type or out of range name the range
   * and {@value #ENV}.
   *
   * @param method the method the request will run (the intake's resolved default when the deletion
   *     event names none)
   * @param hyperparameters the request's overrides; {@code null} means none
   */
  public List<Violation> check(Method method, Map<String, ?> hyperparameters) {
    Objects.requireNonNull(method, "method");
    if (hyperparameters == null || hyperparameters.isEmpty()) {
      return List.of();
    }
    Map<String, Bound> allowed = ranges.get(method);
    List<String> keys = new ArrayList<>(hyperparameters.keySet());
    keys.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
    List<Violation> violations = new ArrayList<>();
    for (String key : keys) {
      Bound bound = key == null ? null : allowed.get(key);
      if (bound == null) {
        violations.add(
            new Violation(
                path(key),
                unknownKeyMessage(method, "unknown " + name(method) + " hyperparameter")));
        continue;
      }
      bound
          .problem(hyperparameters.get(key))
          .ifPresent(
              p ->
                  violations.add(
                      new Violation(
                          path(key),
                          p
                              + " (limit "
                              + name(method)
                              + "."
                              + key
                              + "; operators set it in "
                              + ENV
                              + ")")));
    }
    return List.copyOf(violations);
  }

  /** The keys {@code method} accepts (sorted; empty for {@code train}). */
  public Set<String> keys(Method method) {
    return ranges.get(Objects.requireNonNull(method, "method")).keySet();
  }

  /**
   * The range of one key.
   *
   * @throws IllegalArgumentException if {@code method} accepts no such key
   */
  public Bound range(Method method, String key) {
    Bound b = ranges.get(Objects.requireNonNull(method, "method")).get(key);
    if (b == null) {
      throw new IllegalArgumentException(
          unknownKeyMessage(method, "no " + name(method) + " key '" + key + "'"));
    }
    return b;
  }

  /**
   * The widest range an operator may configure for one key: what the engine itself accepts.
   *
   * @throws IllegalArgumentException if {@code method} accepts no such key
   */
  public static Bound engineRange(Method method, String key) {
    DefaultLimits.Row row = TABLE.get(Objects.requireNonNull(method, "method")).get(key);
    if (row == null) {
      throw new IllegalArgumentException(
          unknownKeyMessage(method, "no " + name(method) + " key '" + key + "'"));
    }
    return row.engine();
  }

  /**
   * A copy with one key's range replaced.
   *
   * @throws IllegalArgumentException for an unknown key, another kind of range or one beyond the
   *     engine's
   */
  public HyperparameterLimits with(Method method, String key, Bound range) {
    Objects.requireNonNull(range, "range");
    Bound engine = engineRange(method, key);
    if (!engine.covers(range)) {
      throw new IllegalArgumentException(
          name(method)
              + "."
              + key
              + "="
              + range.spec()
              + ": the engine accepts only "
              + engine.spec());
    }
    Map<Method, Map<String, Bound>> copy = new EnumMap<>(ranges);
    Map<String, Bound> forMethod = new TreeMap<>(copy.get(method));
    forMethod.put(key, range);
    copy.put(method, forMethod);
    return new HyperparameterLimits(copy);
  }

  /** Every range in {@value #ENV}'s syntax, e.g. for the start-up log. */
  public String spec() {
    StringJoiner all = new StringJoiner(",");
    ranges.forEach(
        (m, r) -> r.forEach((key, bound) -> all.add(name(m) + "." + key + "=" + bound.spec())));
    return all.toString();
  }

  @Override
  public String toString() {
    return spec();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HyperparameterLimits other && ranges.equals(other.ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  private static HyperparameterLimits defaultsFromTable() {
    Map<Method, Map<String, Bound>> ranges = new EnumMap<>(Method.class);
    TABLE.forEach(
        (m, rows) -> {
          Map<String, Bound> r = new TreeMap<>();
          rows.forEach((key, row) -> r.put(key, row.range()));
          ranges.put(m, r);
        });
    return new HyperparameterLimits(ranges);
  }

  private static String unknownKeyMessage(Method method, String what) {
    Set<String> known = TABLE.get(method).keySet();
    return known.isEmpty()
        ? what + "; " + name(method) + " takes no hyperparameters"
        : what + "; allowed: " + String.join(", ", known);
  }

  private static Method methodNamed(String name, String entry) {
    for (Method m : Method.values()) {
      if (name(m).equals(name)) {
        return m;
      }
    }
    StringJoiner names = new StringJoiner(", ");
    for (Method m : Method.values()) {
      names.add(name(m));
    }
    throw config("entry '" + entry + "': unknown method '" + name + "'; methods: " + names);
  }

  /** The method as JSON spells it. */
  private static String name(Method method) {
    return method.name().toLowerCase(Locale.ROOT);
  }

  private static String path(String key) {
    if (key == null) {
      return "$.hyperparameters";
    }
    return IDENTIFIER.matcher(key).matches()
        ? "$.hyperparameters." + key
        : "$.hyperparameters['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }

  private static ConfigException config(String message) {
    return new ConfigException(ENV + ": " + message);
  }
}
