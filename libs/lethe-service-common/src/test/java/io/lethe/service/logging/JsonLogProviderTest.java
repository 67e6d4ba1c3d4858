package io.lethe.service.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The JSON log lines, in a child JVM that selects the provider exactly as a service does ({@code
 * -Dslf4j.provider=io.lethe.service.logging.JsonLogProvider}): this test JVM's binding is
 * slf4j-simple, whose MDC is a no-op.
 */
class JsonLogProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aServiceJvmLogsOneJsonObjectPerLineToSystemErrWithTheIds() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dslf4j.provider=" + JsonLogProvider.class.getName(),
                // slf4j's own "attempting to load provider" notice is plain text
                "-Dslf4j.internal.verbosity=WARN",
                "-cp",
                System.getProperty("java.class.path"),
                JsonLogDemo.class.getName())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : err.split("\n")) {
      lines.add(JSON.readTree(line)); // every line is JSON: no slf4j warning, no plain text
    }
    assertThat(lines).hasSize(4);
    JsonNode first = lines.get(0);
    assertThat(first.path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("logger").asText()).isEqualTo("io.lethe.worker.Worker");
    assertThat(first.path("message").asText()).isEqualTo("job req-1 \"started\"\non m");
    assertThat(first.path("request_id").asText()).isEqualTo("req-1");
    assertThat(first.path("correlation_id").asText()).isEqualTo("corr-9");
    assertThat(first.path("timestamp").asText()).endsWith("Z");
    JsonNode nested = lines.get(1);
    assertThat(nested.has("request_id")).isFalse();
    assertThat(nested.path("correlation_id").asText()).isEqualTo("corr-2");
    JsonNode warn = lines.get(2);
    assertThat(warn.path("request_id").asText()).isEqualTo("req-1");
    assertThat(warn.path("exception").asText()).contains("IllegalStateException: boom");
    assertThat(lines.get(3).path("message").asText()).isEqualTo("outside, MDC request id null");
    assertThat(lines.get(3).has("correlation_id")).isFalse();
  }

  @Test
  void levelsByPrefix() {
    JsonLogProvider.Levels levels =
        JsonLogProvider.Levels.parse(
            "info", "org.apache.kafka=warn,org.apache.kafka.clients=error");
    assertThat(levels.of("io.lethe.x")).isEqualTo(Level.INFO);
    assertThat(levels.of("org.apache.kafka.common.X")).isEqualTo(Level.WARN);
    assertThat(levels.of("org.apache.kafka.clients.Y")).isEqualTo(Level.ERROR);
    JsonLogProvider provider = new JsonLogProvider();
    provider.initialize();
    assertThat(provider.getLoggerFactory().getLogger("org.apache.kafka.Z").isInfoEnabled())
        .isFalse();
  }
}
