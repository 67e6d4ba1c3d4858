package io.lethe.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Meters of one pipeline stage, named {@code lethe_<stage>_<what>_<unit>} (e.g. {@code
 * lethe_intake_requests_received_total}) so that every dashboard query can rely on the shape: the
 * stage says which service, the unit says how to aggregate ({@code _total} counters are {@code
 * rate()}d, {@code _seconds} timers are histogram-quantiled). Names that break the convention are
 * refused at registration, i.e. at start-up, not discovered in Grafana.
 *
 * <p>Callers pass only {@code what}; the stage is fixed per instance and the unit is implied by the
 * meter type, so a full name is never typed by hand.
 */
public final class Metrics {
  /** Stage: one lower-case word, e.g. {@code intake}, {@code worker}, {@code evaluator}. */
  private static final Pattern STAGE = Pattern.compile("^[a-z][a-z0-9]*$");

  /** What is measured: lower-case words joined by single underscores. */
  private static final Pattern WHAT = Pattern.compile("^[a-z][a-z0-9]*(_[a-z0-9]+)*$");

  private static final Pattern NAME =
      Pattern.compile(
          "^lethe_[a-z][a-z0-9]*_[a-z][a-z0-9]*(_[a-z0-9]+)*_(total|seconds|bytes|ratio|records|versions|info)$");

  /** The unit suffix; counters are {@link #TOTAL}. */
  public enum Unit {
    TOTAL("total"),
    SECONDS("seconds"),
    BYTES("bytes"),
    RATIO("ratio"),
    /** A number of Kafka records, e.g. consumer lag. */
    RECORDS("records"),
    /** A number of model versions, e.g. those waiting to be purged. */
    VERSIONS("versions"),
    INFO("info");

    private final String suffix;

    Unit(String suffix) {
      this.suffix = suffix;
    }

    public String suffix() {
      return suffix;
    }
  }

  private final PrometheusMeterRegistry registry;
  private final String stage;

  /**
   * Micrometer's standard runtime families ({@link RuntimeMetrics}), exempt from the {@code lethe_}
   * shape: {@code jvm_*}, {@code process_*}, {@code system_*}, {@code kafka_*}, as exported.
   */
  private static final Pattern RUNTIME_NAME =
      Pattern.compile("^(jvm|process|system|kafka)_[a-zA-Z0-9_]+$");

  /**
   * Meters for {@code stage} in a new Prometheus registry, with the JVM and process meters of
   * {@link RuntimeMetrics} bound: what a service's {@code /metrics} serves.
   */
  public Metrics(String stage) {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), stage);
    RuntimeMetrics.bindJvmAndProcess(registry);
  }

  /** Meters for {@code stage} in {@code registry}; Kafka client meters are kept to a few. */
  public Metrics(PrometheusMeterRegistry registry, String stage) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.stage = checkStage(stage);
    registry.config().meterFilter(RuntimeMetrics.KAFKA_CLIENT_FILTER);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String stage() {
    return stage;
  }

  /**
   * The full Prometheus name {@code lethe_<stage>_<what>_<unit>}.
   *
   * @throws IllegalArgumentException if {@code stage} or {@code what} breaks the convention
   */
  public static String name(String stage, String what, Unit unit) {
    Objects.requireNonNull(unit, "unit");
    String name = "lethe_" + checkStage(stage) + "_" + checkWhat(what, unit) + "_" + unit.suffix();
    return checkName(name);
  }

  /**
   * Returns {@code name} if it follows {@code lethe_<stage>_<what>_<unit>}.
   *
   * @throws IllegalArgumentException otherwise, saying what is wrong
   */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metric name '"
              + name
              + "' does not follow lethe_<stage>_<what>_<unit>: lower-case [a-z0-9_] words,"
              + " unit one of total, seconds, bytes, ratio, records, versions, info");
    }
    return name;
  }

  /**
   * Returns {@code name}, an exported Prometheus name (as {@code /metrics} serves it), if it is
   * either a strict {@code lethe_<stage>_<what>_<unit>} name ({@link #checkName}) or one of
   * Micrometer's runtime families {@code jvm_*}, {@code process_*}, {@code system_*}, {@code
   * kafka_*} ({@link RuntimeMetrics}). A histogram's or summary's {@code _bucket}, {@code _count},
   * {@code _sum}, {@code _max} series are checked by their base name.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String checkExportedName(String name) {
    Objects.requireNonNull(name, "name");
    if (RUNTIME_NAME.matcher(name).matches()) {
      return name;
    }
    if (!name.startsWith("lethe_")) {
      throw new IllegalArgumentException(
          "metric name '"
              + name
              + "' is neither lethe_<stage>_<what>_<unit> nor a Micrometer runtime family"
              + " (jvm_, process_, system_, kafka_)");
    }
    if (NAME.matcher(name).matches()) {
      return name;
    }
    String base = name.replaceFirst("_(bucket|count|sum|max)$", "");
    checkName(base);
    return name;
  }

  /** A counter {@code lethe_<stage>_<what>_total}; tags as key/value pairs. */
  public Counter counter(String what, String... tags) {
    String name = name(stage, what, Unit.TOTAL);
    // Micrometer's Prometheus naming appends _total to counters itself.
    return Counter.builder(stripSuffix(name, Unit.TOTAL)).tags(Tags.of(tags)).register(registry);
  }

  /** A timer {@code lethe_<stage>_<what>_seconds} (count, sum and max). */
  public Timer timer(String what, String... tags) {
    String name = name(stage, what, Unit.SECONDS);
    // Timers are exported in seconds with the _seconds suffix added by the naming convention.
    return Timer.builder(stripSuffix(name, Unit.SECONDS)).tags(Tags.of(tags)).register(registry);
  }

  /**
   * A distribution summary {@code lethe_<stage>_<what>_<unit>} (count, sum and max), e.g. sizes in
   * {@link Unit#BYTES}.
   */
  public DistributionSummary summary(String what, Unit unit, String... tags) {
    if (unit == Unit.TOTAL || unit == Unit.SECONDS) {
      throw new IllegalArgumentException(
          "a summary of " + unit.suffix() + " is a " + (unit == Unit.TOTAL ? "counter" : "timer"));
    }
    String name = name(stage, what, unit);
    // The Prometheus naming convention appends the base unit to a summary's name itself.
    return DistributionSummary.builder(stripSuffix(name, unit))
        .baseUnit(unit.suffix())
        .tags(Tags.of(tags))
        .register(registry);
  }

  /** A gauge {@code lethe_<stage>_<what>_<unit>} reading {@code fn} of {@code obj} at scrape. */
  public <T> T gauge(String what, Unit unit, T obj, ToDoubleFunction<T> fn, String... tags) {
    if (unit == Unit.TOTAL) {
      throw new IllegalArgumentException("a gauge is not a counter: _total is for counters");
    }
    String name = name(stage, what, unit);
    io.micrometer.core.instrument.Gauge.builder(name, obj, fn)
        .tags(Tags.of(tags))
        .register(registry);
    return obj;
  }

  /** The registry as a plain {@link MeterRegistry}, for libraries that bind their own meters. */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  private static String stripSuffix(String name, Unit unit) {
    return name.substring(0, name.length() - unit.suffix().length() - 1);
  }

  private static String checkStage(String stage) {
    Objects.requireNonNull(stage, "stage");
    if (!STAGE.matcher(stage).matches()) {
      throw new IllegalArgumentException(
          "metric stage '" + stage + "' must be one lower-case word [a-z][a-z0-9]*");
    }
    return stage;
  }

  private static String checkWhat(String what, Unit unit) {
    Objects.requireNonNull(what, "what");
    if (!WHAT.matcher(what).matches()) {
      throw new IllegalArgumentException(
          "metric '" + what + "' must be lower-case words joined by '_', e.g. requests_received");
    }
    for (Unit u : Unit.values()) {
      if (what.endsWith("_" + u.suffix()) || what.equals(u.suffix())) {
        throw new IllegalArgumentException(
            "metric '"
                + what
                + "' must not carry a unit ('"
                + u.suffix()
                + "'): it is added as _"
                + unit.suffix());
      }
    }
    return what;
  }
}
