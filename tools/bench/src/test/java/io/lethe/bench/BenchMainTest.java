package io.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every sub-command of lethe-bench.jar can be built and prints its help. */
class BenchMainTest {
  @Test
  void everySubCommandsOptionsAreValid() {
    // picocli validates the annotated fields when it builds the model: a misplaced @Option (on a
    // final field) breaks the whole jar, not only its own command.
    CommandLine names = new CommandLine(new BenchMain());
    assertThat(names.getSubcommands())
        .containsKeys("throughput", "unlearning", "paired", "intake", "load");
    for (String name : names.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      CommandLine cli = new CommandLine(new BenchMain());
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      assertThat(cli.execute(name, "--help")).as("%s: %s", name, err).isZero();
      assertThat(out.toString()).as(name).contains("Usage: lethe-bench " + name);
    }
  }
}
