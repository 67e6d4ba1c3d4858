package io.lethe.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka 4.1 broker (KRaft, combined broker + controller) running as a
 * child JVM, bound to 127.0.0.1 only.
 *
 * <pre>{@code
 * try (LocalKafka kafka = LocalKafka.builder(dir).build()) {
 *   kafka.start();
 *   use(kafka.bootstrapServers());
 * }
 * }</pre>
 *
 * <p>{@link #start()} formats the storage (keeping an existing cluster id, so a data dir can be
 * reused), launches {@code kafka.Kafka}, and returns once an {@link Admin} client sees the broker.
 * The broker's log is {@code <dataDir>/kafka.log}; a failed start quotes its last lines.
 */
public final class LocalKafka implements AutoCloseable {
  static final String MAIN_CLASS = "kafka.Kafka";
  static final String STORAGE_TOOL = "kafka.tools.StorageTool";
  private static final int LOG_TAIL_LINES = 40;

  private final Path dataDir;
  private final int requestedPort;
  private final int nodeId;
  private final List<String> jvmOptions;
  private final Duration startTimeout;
  private final Map<String, String> overrides;

  private ChildProcess process;
  private int port;
  private int controllerPort;
  private Duration lastStartTime;

  /** A broker with default options, its files under {@code dataDir}. */
  public LocalKafka(Path dataDir) {
    this(builder(dataDir));
  }

  private LocalKafka(Builder builder) {
    this.dataDir = builder.dataDir.toAbsolutePath();
    this.requestedPort = builder.port;
    this.nodeId = builder.nodeId;
    this.jvmOptions = List.copyOf(builder.jvmOptions);
    this.startTimeout = builder.startTimeout;
    this.overrides = Map.copyOf(builder.overrides);
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Formats the storage if needed, starts the broker and waits until it serves requests. */
  public synchronized LocalKafka start() {
    if (process != null) {
      throw new IllegalStateException("LocalKafka already started at " + bootstrapServers());
    }
    long t0 = System.nanoTime();
    if (requestedPort != 0) {
      ChildProcess.requireFree("LocalKafka", requestedPort);
    }
    port = requestedPort == 0 ? ChildProcess.freePort() : requestedPort;
    controllerPort = ChildProcess.freePort();
    while (controllerPort == port) {
      controllerPort = ChildProcess.freePort();
    }
    try {
      Files.createDirectories(dataDir);
      Path config = dataDir.resolve("server.properties");
      writeProperties(config, serverProperties(dataDir, nodeId, port, controllerPort, overrides));
      List<Path> classpath = serverClasspath();
      format(classpath, config);
      process =
          ChildProcess.start(
              "kafka",
              classpath,
              childJvmOptions(),
              MAIN_CLASS,
              List.of(config.toString()),
              logFile());
      awaitReady(t0);
    } catch (IOException e) {
      stop();
      throw new UncheckedIOException("LocalKafka failed to start in " + dataDir, e);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    lastStartTime = Duration.ofNanos(System.nanoTime() - t0);
    return this;
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    requireStarted();
    return ChildProcess.LOOPBACK + ":" + port;
  }

  /** The broker's client port. */
  public int port() {
    requireStarted();
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** {@code <dataDir>/kafka.log}: the broker's stdout and stderr. */
  public Path logFile() {
    return dataDir.resolve("kafka.log");
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** How long the last {@link #start()} took, format included. */
  public Duration startTime() {
    return lastStartTime;
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 15 s) and waits for it. Idempotent. */
  public synchronized void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(15));
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The broker's server.properties, as {@link #start()} writes them. */
  public static Map<String, String> serverProperties(
      Path dataDir, int nodeId, int port, int controllerPort, Map<String, String> overrides) {
    String host = ChildProcess.LOOPBACK;
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", nodeId + "@" + host + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.toAbsolutePath().resolve("kraft-logs").toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    p.put("log.flush.interval.messages", "9223372036854775807");
    p.putAll(overrides);
    return p;
  }

  private static void writeProperties(Path file, Map<String, String> properties)
      throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("# Written by io.lethe.infra.LocalKafka; rewritten on every start.\n");
      for (Map.Entry<String, String> e : properties.entrySet()) {
        out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
      }
    }
  }

  static List<Path> serverClasspath() {
    List<Path> classpath =
        new ArrayList<>(ChildProcess.classpathResource("kafka-runtime.classpath"));
    for (Path path : ChildProcess.classpathResource("kafka-server.classpath")) {
      if (!classpath.contains(path)) {
        classpath.add(path);
      }
    }
    return classpath;
  }

  private List<String> childJvmOptions() {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-Djava.awt.headless=true");
    options.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    options.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    options.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
    options.add("-Dorg.slf4j.simpleLogger.log.kafka=info");
    return options;
  }

  private void format(List<Path> classpath, Path config) throws IOException {
    Path logDir = dataDir.resolve("kraft-logs");
    String clusterId = existingClusterId(logDir);
    if (clusterId == null) {
      clusterId = Uuid.randomUuid().toString();
    }
    Path formatLog = dataDir.resolve("kafka-format.log");
    Files.deleteIfExists(formatLog);
    ChildProcess tool =
        ChildProcess.start(
            "kafka-storage-format",
            classpath,
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            STORAGE_TOOL,
            List.of("format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"),
            formatLog);
    try {
      if (!tool.waitFor(Duration.ofSeconds(60))) {
        tool.stop(Duration.ofSeconds(5));
        throw new IllegalStateException(
            "LocalKafka: formatting storage timed out; "
                + formatLog
                + " ends with:\n"
                + tool.logTail(LOG_TAIL_LINES));
      }
      if (tool.exitValue() != 0) {
        throw new IllegalStateException(
            "LocalKafka: formatting storage failed (exit "
                + tool.exitValue()
                + "); "
                + formatLog
                + " ends with:\n"
                + tool.logTail(LOG_TAIL_LINES));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting Kafka storage", e);
    } finally {
      tool.stop(Duration.ofSeconds(5));
    }
  }

  private static String existingClusterId(Path logDir) throws IOException {
    Path meta = logDir.resolve("meta.properties");
    if (!Files.exists(meta)) {
      return null;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      properties.load(in);
    }
    return properties.getProperty("cluster.id");
  }

  private void awaitReady(long t0) {
    long deadline = t0 + startTimeout.toNanos();
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ChildProcess.LOOPBACK + ":" + port);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    try (Admin admin = Admin.create(config)) {
      Exception last = null;
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "LocalKafka: the broker exited during start (exit "
                  + process.exitValue()
                  + "); "
                  + logFile()
                  + " ends with:\n"
                  + process.logTail(LOG_TAIL_LINES));
        }
        try {
          int nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS)
                  .size();
          if (nodes > 0) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
        sleep(200);
      }
      throw new IllegalStateException(
          "LocalKafka: the broker did not answer on "
              + ChildProcess.LOOPBACK
              + ":"
              + port
              + " within "
              + startTimeout
              + " (last error: "
              + last
              + "); "
              + logFile()
              + " ends with:\n"
              + process.logTail(LOG_TAIL_LINES));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void requireStarted() {
    if (process == null) {
      throw new IllegalStateException("LocalKafka is not started");
    }
  }

  /** Options for {@link LocalKafka}. */
  public static final class Builder {
    private final Path dataDir;
    private int port = 0;
    private int nodeId = 1;
    private List<String> jvmOptions = new ArrayList<>(defaultJvmOptions("512m"));
    private Duration startTimeout = Duration.ofSeconds(90);
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The client port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port);
      }
      this.port = port;
      return this;
    }

    public Builder nodeId(int nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /** The broker's maximum heap, e.g. {@code "512m"} (the default). */
    public Builder heap(String maxHeap) {
      this.jvmOptions = new ArrayList<>(defaultJvmOptions(maxHeap));
      return this;
    }

    /** Replaces the broker's JVM options entirely. */
    public Builder jvmOptions(List<String> options) {
      this.jvmOptions = new ArrayList<>(options);
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Adds or replaces a server.properties entry. */
    public Builder serverProperty(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    public LocalKafka build() {
      return new LocalKafka(this);
    }

    private static List<String> defaultJvmOptions(String maxHeap) {
      return List.of("-Xms64m", "-Xmx" + maxHeap, "-XX:+UseSerialGC");
    }
  }
}
