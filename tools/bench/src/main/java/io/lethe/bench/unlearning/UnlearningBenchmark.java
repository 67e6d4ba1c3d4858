package io.lethe.bench.unlearning;

import io.lethe.bench.unlearning.report.UnlearningReport;
import io.lethe.cli.console.ConsoleProgress;
import io.lethe.engine.EngineRuntime;
import io.lethe.engine.progress.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The paper's comparison as one command: trains one original, then for every seed forgets that
 * seed's subjects with every method from the same original, and writes Table 1, Table 3, Figure 3
 * and run.json. Hyperparameters are tuned (optionally) once, on the first seed's forget request,
 * against held-out tuning subjects; see {@link BenchmarkSplits} for why that never reads test or
 * unseen.
 *
 * <p>The options are {@link UnlearningOptions}; {@link UnlearningPlan} resolves them, {@link
 * UnlearningRun} runs them and {@link UnlearningReport} writes the tables, figure and JSON.
 */
@Command(
    name = "unlearning",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Compares every unlearning method (Retrain, Fine-tune, NegGrad, CF-k, EU-k, UNSIR, Bad"
          + " Teaching, SCRUB, DLFD and DLFD's ablations) from the same original model over"
          + " several seeds, as in the DLFD paper's Tables 1 and 3 and Figure 3.",
      "Seed s picks the forget subjects (the split) and seeds every method and the retrained"
          + " model; the original and the tuning subjects are the same for all seeds.",
      "Writes table1.md, table1.json, table3.md, figure3.png and run.json under --out."
    })
public final class UnlearningBenchmark implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin UnlearningOptions options;

  private List<AggregatedRow> rows = List.of();

  /** The aggregated rows of the last run, for callers that check them. */
  public List<AggregatedRow> rows() {
    return rows;
  }

  @Override
  public Integer call() throws Exception {
    // DJL reads these when the engine loads; they must be in place before the first Engine call.
    EngineRuntime.configure(options.threads, 2);
    List<BenchMethod> methods = UnlearningPlan.methods(options);
    long start = System.nanoTime();
    ProgressListener progress = new ConsoleProgress(!options.noProgress);
    UnlearningPlan plan = UnlearningPlan.of(options, methods);
    UnlearningRun run = UnlearningRun.run(plan, progress);
    rows = AggregatedRow.aggregate(run.results());
    new UnlearningReport(plan, run).write(rows, commandLine(), (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** The command as typed, so the results can be made again. */
  private String commandLine() {
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    // Run through BenchMain, the parse result also holds the sub-command's own name.
    if (!args.isEmpty() && args.get(0).equals(spec.name())) {
      args.remove(0);
    }
    return "java -jar tools/bench/target/lethe-bench.jar unlearning " + String.join(" ", args);
  }
}
