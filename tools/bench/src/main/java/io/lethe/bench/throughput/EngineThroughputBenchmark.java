package io.lethe.bench.throughput;

import static io.lethe.bench.BenchLog.log;

import ai.djl.Device;
import io.lethe.engine.EngineRuntime;
import io.lethe.engine.model.ComputeDevice;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Engine throughput and wall-time benchmark: SGD training step, DLFD perturbation step and eval
 * forward (images/s), then a full DLFD run against Retrain (wall time). Prints a markdown table and
 * writes it, with JSON and machine facts, to {@code --output-dir}.
 *
 * <p>The options are {@link ThroughputOptions}, what runs is a {@link ThroughputPlan}, the
 * measurements are {@link MicroBenchmarks} and {@link FullRuns}, and {@link ThroughputReport}
 * writes the results. DJL system properties (offline, cache dir, thread count) are set in {@link
 * #call()} before the engine is first touched, unless given on the command line.
 */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures engine throughput (images/s) of a training step, a DLFD perturbation step and an"
          + " eval forward, and the wall time of a full DLFD run vs Retrain.",
      "Writes <output-dir>/throughput-<arch>-<side>.md and .json."
    })
public final class EngineThroughputBenchmark implements Callable<Integer> {
  @Mixin ThroughputOptions options;

  private ThroughputReport report = new ThroughputReport();

  public static void main(String[] args) {
    System.exit(new CommandLine(new EngineThroughputBenchmark()).execute(args));
  }

  /** Every number of the last {@link #call()} (setup, machine, benchmarks), as in the JSON file. */
  public Map<String, Object> results() {
    return report.results();
  }

  @Override
  public Integer call() throws Exception {
    if (options.channels != 1 && options.channels != 3) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--channels must be 1 or 3, got " + options.channels);
    }
    ComputeDevice chosen = ComputeDevice.parse(options.deviceName);
    // DJL reads these when the engine loads; they must be in place before the first Engine call.
    EngineRuntime.configure(options.threads, 2);
    Device device = chosen.requireAvailable().toDjl();
    report = new ThroughputReport();
    ThroughputPlan plan = ThroughputPlan.of(options, device);

    Map<String, Object> machine = MachineFacts.collect();
    log("machine: %s", machine);
    report.put("setup", plan.setup());
    report.put("machine", machine);
    Map<String, Object> bench = new LinkedHashMap<>();
    report.put("benchmarks", bench);

    MicroBenchmarks micro = new MicroBenchmarks(plan, report);
    bench.put("trainStep", micro.trainStep());
    bench.put("dlfdPerturbationStep", micro.perturbationStep());
    bench.put("evalForward", micro.evalForward());
    if (!options.skipFullRuns) {
      new FullRuns(plan, report).run(bench);
    }
    machine.put("loadAverageEnd", MachineFacts.loadAverage());
    report.write(plan);
    return 0;
  }
}
