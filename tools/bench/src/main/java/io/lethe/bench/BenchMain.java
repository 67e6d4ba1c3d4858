package io.lethe.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code lethe-bench.jar}: one sub-command per benchmark. */
@Command(
    name = "lethe-bench",
    mixinStandardHelpOptions = true,
    version = "lethe-bench 0.1.0",
    description = "Lethe engine benchmarks (commands, not tests).",
    subcommands = {
      io.lethe.bench.throughput.EngineThroughputBenchmark.class,
      GpuProbe.class,
      GpuCheck.class,
      io.lethe.bench.unlearning.UnlearningBenchmark.class,
      io.lethe.bench.unlearning.PairedComparison.class,
      io.lethe.bench.subjects.SubjectImagesCommand.class,
      io.lethe.bench.intake.IntakeBenchmark.class,
      io.lethe.bench.load.LoadBenchmark.class,
      CommandLine.HelpCommand.class
    })
public final class BenchMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new BenchMain())
            .setExecutionExceptionHandler(
                (ex, cli, parsed) -> {
                  if (ex instanceof IllegalArgumentException) {
                    // Bad options: a one-line error, not a stack trace.
                    cli.getErr().println("lethe-bench: " + ex.getMessage());
                    return 2;
                  }
                  throw ex;
                })
            .execute(args));
  }
}
