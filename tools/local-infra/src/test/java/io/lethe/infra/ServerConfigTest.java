package io.lethe.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  private static final Path DIR = Paths.get("/data/kafka");

  @Test
  void kafkaListensOnLoopbackOnlyWithOneCombinedNode() {
    Map<String, String> p = LocalKafka.serverProperties(DIR, 7, 19092, 19093, Map.of());

    assertThat(p)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "7")
        .containsEntry("controller.quorum.voters", "7@127.0.0.1:19093")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092")
        .containsEntry("controller.listener.names", "CONTROLLER")
        .containsEntry("log.dirs", "/data/kafka/kraft-logs");
    assertThat(String.join(",", p.values())).doesNotContain("0.0.0.0").doesNotContain("localhost");
  }

  @Test
  void kafkaInternalTopicsHaveReplicationFactorOneAndGroupsStartAtOnce() {
    Map<String, String> p = LocalKafka.serverProperties(DIR, 1, 9092, 9093, Map.of());

    assertThat(p)
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("default.replication.factor", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0");
  }

  @Test
  void kafkaOverridesReplaceDefaults() {
    Map<String, String> p =
        LocalKafka.serverProperties(DIR, 1, 9092, 9093, Map.of("num.partitions", "6", "x.y", "z"));

    assertThat(p).containsEntry("num.partitions", "6").containsEntry("x.y", "z");
  }

  @Test
  void s3proxyUsesTheFilesystemStoreAndSignedRequestsOnLoopback() {
    Map<String, String> p = LocalS3.s3proxyProperties(Paths.get("/data/s3"), 9000, "ak", "sk");

    assertThat(p)
        .containsEntry("s3proxy.endpoint", "http://127.0.0.1:9000")
        .containsEntry("s3proxy.authorization", "aws-v2-or-v4")
        .containsEntry("s3proxy.identity", "ak")
        .containsEntry("s3proxy.credential", "sk")
        .containsEntry("jclouds.provider", "filesystem-nio2")
        .containsEntry("jclouds.filesystem.basedir", "/data/s3/blobs");
  }

  @Test
  void theBuildWritesServerClasspathsThatExist() {
    List<Path> kafka = LocalKafka.serverClasspath();
    assertThat(kafka)
        .extracting(path -> path.getFileName().toString())
        .anyMatch(name -> name.startsWith("kafka_2.13-"))
        .anyMatch(name -> name.startsWith("kafka-clients-"))
        .anyMatch(name -> name.startsWith("scala-library-"))
        .noneMatch(name -> name.startsWith("s3proxy-"));
    assertThat(ChildProcess.classpathResource("s3proxy.classpath"))
        .singleElement()
        .satisfies(path -> assertThat(path.getFileName().toString()).startsWith("s3proxy-"));
  }

  @Test
  void anExplicitPortIsCheckedBeforeLaunching() throws Exception {
    try (var socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> ChildProcess.requireFree("LocalKafka", socket.getLocalPort()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("LocalKafka: port 127.0.0.1:" + socket.getLocalPort())
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void logTailKeepsTheLastLines(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("x.log");
    Files.writeString(log, "a\nb\nc\nd\n");

    assertThat(ChildProcess.tail(log, 2)).isEqualTo("c" + System.lineSeparator() + "d");
    assertThat(ChildProcess.tail(dir.resolve("missing.log"), 2)).contains("no log");
  }

  @Test
  void environmentVariablesWinOverLocalServers() {
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1234",
            "S3_ENDPOINT", "http://127.0.0.1:9000",
            "S3_ACCESS_KEY", "ak",
            "S3_SECRET_KEY", "sk");

    assertThat(ServerEnvironment.kafkaBootstrapServers(env)).isEqualTo("127.0.0.1:1234");
    assertThat(ServerEnvironment.s3(env))
        .isEqualTo(new ServerEnvironment.S3("http://127.0.0.1:9000", "ak", "sk", "us-east-1"));
    assertThatThrownBy(() -> ServerEnvironment.s3(Map.of("S3_ENDPOINT", "http://127.0.0.1:9000")))
        .hasMessageContaining("S3_ACCESS_KEY");
  }

  @Test
  void localServersPrintsUsageForBadArguments() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        LocalServers.run(
            new String[] {"launch"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command: launch", "usage:");
  }
}
