package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad serving options end with status 2 and a clear message, before any server starts. */
class PipelineCommandTest {
  @Test
  void badServingOptionsExitWithTwo() {
    assertThat(exit("--once", "--no-demo")).isEqualTo(2);
    assertThat(exit("--drain-timeout", "-5s")).isEqualTo(2);
    assertThat(exit("--group-prefix", "no spaces")).isEqualTo(2);
    assertThat(exit("--drain-timeout", "soon")).isEqualTo(2);
  }

  @Test
  void theHelpNamesTheServingOptions() {
    assertThat(new CommandLine(new PipelineCommand()).getUsageMessage())
        .contains("--once", "--no-demo", "--drain-timeout", "--group-prefix", "SIGTERM");
  }

  private static int exit(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = new CommandLine(new PipelineCommand());
      cl.setErr(new java.io.PrintWriter(System.err, true));
      return cl.execute(args);
    } finally {
      System.setErr(err);
      assertThat(captured.toString(StandardCharsets.UTF_8)).isNotBlank();
    }
  }
}
