package io.lethe.cli;

import io.lethe.engine.EngineRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lethe}: train, unlearn and evaluate image classifiers from the command line. */
@Command(
    name = "lethe",
    mixinStandardHelpOptions = true,
    version = "lethe 0.1.0",
    description = "Machine unlearning for image classifiers: DLFD on DJL (PyTorch).",
    subcommands = {
      DemoCommand.class,
      TrainCommand.class,
      UnlearnCommand.class,
      EvaluateCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LetheCli {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Exit code 2 means "your input is wrong" (bad option, checkpoint, dataset); 1 is our fault. */
  private static boolean isBadInput(Exception ex) {
    return ex instanceof IllegalArgumentException
        || ex instanceof IllegalStateException
        || ex instanceof io.lethe.format.checkpoint.CheckpointException
        || ex instanceof io.lethe.engine.data.DatasetException
        || ex instanceof UnsupportedOperationException
        || ex instanceof java.nio.file.NoSuchFileException;
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    EngineRuntime.configure();
    EngineRuntime.setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    return new CommandLine(new LetheCli())
        .setExecutionExceptionHandler(
            (ex, cmd, parsed) -> {
              // Bad input gets one clear line, not a stack trace.
              cmd.getErr().println("lethe: " + ex.getMessage());
              if (System.getenv("LETHE_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
              }
              return isBadInput(ex) ? 2 : 1;
            })
        .execute(args);
  }
}
