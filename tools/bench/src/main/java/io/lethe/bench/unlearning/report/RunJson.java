package io.lethe.bench.unlearning.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.bench.unlearning.BenchmarkSplits;
import io.lethe.bench.unlearning.MethodResult;
import io.lethe.bench.unlearning.UnlearningPlan;
import io.lethe.bench.unlearning.UnlearningRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * run.json: the command line, the options, the sizes of every split, the original's training and
 * per-seed scores, the tuning choices, failed runs and the machine, so a run can be repeated and
 * checked.
 */
final class RunJson {
  private RunJson() {}

  static void write(
      ObjectMapper json,
      Path file,
      String commandLine,
      UnlearningPlan plan,
      UnlearningRun run,
      double totalSeconds)
      throws IOException {
    json.writeValue(file.toFile(), of(commandLine, plan, run, totalSeconds));
  }

  private static Map<String, Object> of(
      String commandLine, UnlearningPlan plan, UnlearningRun run, double totalSeconds) {
    BenchmarkSplits splits = plan.splits();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", commandLine);
    json.put("finishedAt", Instant.now().toString());
    json.put("totalSeconds", totalSeconds);
    json.put("options", plan.describe());
    Map<String, Object> sizes = new LinkedHashMap<>();
    sizes.put("datasetImages", plan.dataset().size());
    sizes.put("originalTrain", splits.originalTrain().length);
    sizes.put("tuningSubjects", splits.tuningSubjects().size());
    sizes.put("tuningAccuracy", splits.tuningAccuracy().length);
    sizes.put("tuningNonMembers", splits.tuningNonMembers().length);
    sizes.put("test", splits.test().length);
    sizes.put("unseen", splits.unseen().length);
    Map<String, Object> perSeed = new LinkedHashMap<>();
    run.seedSplits()
        .forEach(
            (seed, s) ->
                perSeed.put(
                    Integer.toString(seed),
                    Map.of("forget", s.forget().length, "retain", s.retain().length)));
    sizes.put("perSeed", perSeed);
    json.put("sizes", sizes);
    Map<String, Object> original = new LinkedHashMap<>();
    original.put("trainSeconds", run.trained().seconds());
    original.put("loadedFromCache", run.originalFromCache());
    original.put("finalEpochLoss", run.trained().finalEpochLoss());
    Map<String, Object> perSeedOriginal = new LinkedHashMap<>();
    for (MethodResult r : run.results()) {
      if (r.key().equals(MethodResult.ORIGINAL)) {
        perSeedOriginal.put(
            Integer.toString(r.seed()),
            Map.of(
                "forgettingScore", r.report().forgettingScore(),
                "mia", r.report().mia().accuracy(),
                "miaStd", r.report().mia().std(),
                "miaMembers", r.report().mia().memberCount(),
                "miaNonMembers", r.report().mia().nonMemberCount(),
                "testAccuracy", r.report().testAccuracy(),
                "forgetAccuracy", r.forgetAccuracy(),
                "unseenAccuracy", r.unseenAccuracy()));
      }
    }
    original.put("perSeed", perSeedOriginal);
    original.put("featureDistances", run.featureDistances());
    json.put("original", original);
    json.put("tuning", run.choices().values());
    json.put("failures", run.failures());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", java.lang.Runtime.getRuntime().availableProcessors());
    machine.put("numThreads", System.getProperty("ai.djl.pytorch.num_threads"));
    machine.put("loadAverage", loadAverage());
    json.put("machine", machine);
    return json;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
