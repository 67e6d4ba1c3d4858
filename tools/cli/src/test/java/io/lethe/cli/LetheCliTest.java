package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class LetheCliTest {
  private static String stderrOf(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true));
    try {
      int code = LetheCli.run(args);
      assertThat(code).as("exit code").isNotZero();
    } finally {
      System.setErr(old);
    }
    return buf.toString();
  }

  @Test
  void unknownDatasetIsRejectedWithAClearMessage() {
    assertThat(stderrOf("train", "--data", "imagenet", "--out", "target/x"))
        .contains("--data must be fashion-mnist, mnist, csv or folders");
  }

  @Test
  void missingCheckpointIsNamedInTheError() {
    assertThat(
            stderrOf(
                "unlearn",
                "--from",
                "target/no-such-checkpoint",
                "--out",
                "target/y",
                "--forget-random",
                "2"))
        .contains("no-such-checkpoint");
  }

  @Test
  void unknownArchitectureIsRejected() {
    assertThat(stderrOf("train", "--arch", "vgg16", "--out", "target/z"))
        .contains("unknown architecture 'vgg16'");
  }
}
