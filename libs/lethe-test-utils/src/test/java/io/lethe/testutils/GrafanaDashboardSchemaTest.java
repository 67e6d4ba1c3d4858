package io.lethe.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grafana/schema-check/check.sh}: the dashboard type-checks with {@code tsc} against
 * {@code @grafana/schema} of the provisioned Grafana (12.1.1), and a deliberately broken copy does
 * not. Needs the npm packages under {@code target/tools/grafana-schema-check} ({@code .ci/run}
 * installs them by running the script once); skipped without them, except under {@code LETHE_CI=1}.
 */
class GrafanaDashboardSchemaTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private Path root;
  private Path script;

  @BeforeEach
  void tools() {
    root = Repository.root();
    script = root.resolve("grafana/schema-check/check.sh");
    boolean installed =
        Files.isExecutable(root.resolve("target/tools/grafana-schema-check/node_modules/.bin/tsc"));
    if (!installed && "1".equals(System.getenv("LETHE_CI"))) {
      throw new AssertionError(
          "LETHE_CI=1 but the @grafana/schema check is not installed: run"
              + " grafana/schema-check/check.sh (needs node and npm)");
    }
    assumeTrue(
        installed, "run grafana/schema-check/check.sh once to install @grafana/schema + tsc");
  }

  @Test
  void theDashboardTypeChecksAgainstGrafanasSchema() throws Exception {
    Result r = run(root.resolve("grafana/dashboards/lethe-pipeline.json"));
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("OK against @grafana/schema 12.1.1");
  }

  @Test
  void aBrokenCopyFails(@TempDir Path dir) throws Exception {
    ObjectNode d =
        (ObjectNode)
            MAPPER.readTree(root.resolve("grafana/dashboards/lethe-pipeline.json").toFile());
    ObjectNode panel = (ObjectNode) d.withArray("panels").get(1);
    ((ObjectNode) panel.get("gridPos")).put("w", "wide"); // a string where a number goes
    // an unknown property (on another panel: tsc reports one error per object literal)
    ((ObjectNode) d.withArray("panels").get(2)).put("titel", "misspelled key");
    ((ObjectNode) d.withArray("/templating/list").get(0)).put("type", "querry"); // no such enum
    Path broken = dir.resolve("broken.json");
    MAPPER.writeValue(broken.toFile(), d);
    Result r = run(broken);
    assertThat(r.exit).as(r.output).isNotZero();
    assertThat(r.output).contains("'string' is not assignable to type 'number'", "titel", "querry");
  }

  private record Result(int exit, String output) {}

  private Result run(Path dashboard) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("bash", script.toString(), dashboard.toString()));
    Process p =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("check.sh finished").isTrue();
    return new Result(p.exitValue(), out);
  }
}
