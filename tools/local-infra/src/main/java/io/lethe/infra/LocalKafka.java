package io.lethe.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
public final class LocalKafka extends LocalServer<LocalKafka> {
  static final String MAIN_CLASS = "kafka.Kafka";
  static final String STORAGE_TOOL = "kafka.tools.StorageTool";

  private final int nodeId;
  private final Map<String, String> overrides;

  /** A broker with default options, its files under {@code dataDir}. */
  public LocalKafka(Path dataDir) {
    this(builder(dataDir));
  }

  private LocalKafka(Builder builder) {
    super(
        "LocalKafka",
        "the broker",
        "kafka.log",
        Duration.ofSeconds(15),
        Duration.ofMillis(200),
        builder);
    this.nodeId = builder.nodeId;
    this.overrides = Map.copyOf(builder.overrides);
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return ChildProcess.LOOPBACK + ":" + port();
  }

  @Override
  String address() {
    return bootstrapServers();
  }

  /** Formats the storage if needed and starts the broker. */
  @Override
  ChildProcess launch(int port) throws IOException {
    int controllerPort = ChildProcess.freePort();
    while (controllerPort == port) {
      controllerPort = ChildProcess.freePort();
    }
    Path config = dataDir().resolve("server.properties");
    writeProperties(config, serverProperties(dataDir(), nodeId, port, controllerPort, overrides));
    List<Path> classpath = serverClasspath();
    format(classpath, config);
    return ChildProcess.start(
        "kafka", classpath, childJvmOptions(), MAIN_CLASS, List.of(config.toString()), logFile());
  }

  /** The broker answers once an admin client sees a node. */
  @Override
  Probe probe() {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ChildProcess.LOOPBACK + ":" + port());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    Admin admin = Admin.create(config);
    return new Probe() {
      @Override
      public boolean answers() throws Exception {
        return !admin
            .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
            .nodes()
            .get(3, TimeUnit.SECONDS)
            .isEmpty();
      }

      @Override
      public void close() {
        admin.close();
      }
    };
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
    List<String> options = jvmOptions();
    options.add("-Djava.awt.headless=true");
    options.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    options.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    options.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
    options.add("-Dorg.slf4j.simpleLogger.log.kafka=info");
    return options;
  }

  private void format(List<Path> classpath, Path config) throws IOException {
    Path logDir = dataDir().resolve("kraft-logs");
    String clusterId = existingClusterId(logDir);
    if (clusterId == null) {
      clusterId = Uuid.randomUuid().toString();
    }
    Path formatLog = dataDir().resolve("kafka-format.log");
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

  /** Options for {@link LocalKafka}. */
  public static final class Builder extends LocalServer.Builder<Builder> {
    private int nodeId = 1;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder(Path dataDir) {
      super(dataDir, "512m", Duration.ofSeconds(90));
    }

    public Builder nodeId(int nodeId) {
      this.nodeId = nodeId;
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

    @Override
    List<String> defaultJvmOptions(String maxHeap) {
      return List.of("-Xms64m", "-Xmx" + maxHeap, "-XX:+UseSerialGC");
    }
  }
}
