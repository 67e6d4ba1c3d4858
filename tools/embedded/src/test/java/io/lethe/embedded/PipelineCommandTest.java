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

  @Test
  void registerWithoutTheRegistrysS3IsABadSettingNotAServerStart() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    RegisterCommand register =
        new RegisterCommand(
            java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(new CommandLine(register).execute("--model-id=m")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("S3_ENDPOINT is not set", "S3_ACCESS_KEY(_FILE)");
    assertThat(register.result()).isEmpty();
  }

  @Test
  void registerTakesATorchScriptModuleOnlyWithItsDescriptorAndNotWithAnOriginal() {
    java.util.Map<String, String> env =
        java.util.Map.of(
            "S3_ENDPOINT", "http://127.0.0.1:9", "S3_ACCESS_KEY", "a", "S3_SECRET_KEY", "b");
    for (String[] args :
        new String[][] {
          {"--torchscript", "model.pt"},
          {"--descriptor", "model.json"},
          {"--torchscript", "model.pt", "--descriptor", "model.json", "--original", "runs/o"}
        }) {
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      RegisterCommand register =
          new RegisterCommand(
              env,
              new PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(new CommandLine(register).execute(args)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .containsAnyOf("--torchscript and --descriptor go together", "not both");
    }
    assertThat(new CommandLine(new RegisterCommand()).getUsageMessage())
        .contains("--torchscript", "--descriptor");
    assertThat(new CommandLine(new PipelineCommand()).getUsageMessage())
        .contains("--torchscript", "--descriptor");
    assertThat(exit("--torchscript", "model.pt")).isEqualTo(2);
  }

  @Test
  void registerIsASubcommandAndBadOptionsExitWithTwo() {
    assertThat(new CommandLine(new PipelineCommand()).getSubcommands()).containsKey("register");
    assertThat(exit("register", "--epochs")).isEqualTo(2);
    assertThat(exit("register", "--no-such-option")).isEqualTo(2);
    assertThat(new CommandLine(new PipelineCommand()).getUsageMessage()).contains("register");
  }

  @Test
  void thePipelineAndRegisterAcceptTheClassFolderAndColumnOptions() {
    String[] folders = {
      "--format",
      "folders",
      "--images",
      "/data/ck",
      "--subject-pattern",
      "^(S\\d+)_",
      "--test-fraction",
      "0.3",
      "--split-folders",
      "train,test"
    };
    PipelineCommand pipeline = new PipelineCommand();
    new CommandLine(pipeline).parseArgs(folders);
    assertThat(pipeline.data.toSource().toMap())
        .containsEntry("kind", "folders")
        .containsEntry("subjectPattern", "^(S\\d+)_")
        .containsEntry("testFraction", "0.3")
        .containsEntry("splitFolders", "train,test");

    CommandLine.ParseResult parsed =
        new CommandLine(new PipelineCommand())
            .parseArgs(
                "register",
                "--data",
                "csv",
                "--format",
                "csv",
                "--manifest",
                "faces.csv",
                "--images",
                "/imgs",
                "--image-column",
                "file",
                "--label-column",
                "emotion",
                "--subject-column",
                "person");
    RegisterCommand register = (RegisterCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(register.data.toSource().toMap())
        .containsEntry("kind", "csv")
        .containsEntry("format", "csv")
        .containsEntry("labelColumn", "emotion")
        .containsEntry("subjectColumn", "person");
  }

  @Test
  void aBadDatasetCombinationExitsWithTwoBeforeAnyServerStarts() {
    assertThat(exit("--format", "folders")).isEqualTo(2);
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

  @Test
  void theDemoDefaultsApplyToThePipelineAndRegisterButNotToTheCli() {
    PipelineCommand pipeline = new PipelineCommand();
    new CommandLine(pipeline).parseArgs();
    assertThat(pipeline.training.recipe().weightDecay()).isZero();
    assertThat(pipeline.data.toSource().toMap()).containsEntry("trainLimit", "4000");
    PipelineCommand overridden = new PipelineCommand();
    new CommandLine(overridden).parseArgs("--train-limit", "600", "--weight-decay", "5e-4");
    assertThat(overridden.training.recipe().weightDecay()).isEqualTo(5e-4f);
    assertThat(overridden.data.toSource().toMap()).containsEntry("trainLimit", "600");
    assertThat(pipeline.hyperparameters())
        .containsExactly(
            java.util.Map.entry("relativeThreshold", 0.5),
            java.util.Map.entry("stepSize", 0.01),
            java.util.Map.entry("epochs", 2L));
  }
}
