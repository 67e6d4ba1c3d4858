package io.lethe.bench.unlearning;

import static io.lethe.bench.BenchLog.log;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.SupervisedTrainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs an {@link UnlearningPlan}: trains the original (or loads it from the original cache), tunes
 * the tunable methods on the first seed's forget request, then for every seed measures the original
 * and runs every method from it. Logs each step as it goes; keeps every result for the report.
 */
public final class UnlearningRun {
  private final UnlearningPlan plan;
  private final ProgressListener progress;
  private SupervisedTrainer.TrainingSummary trained;
  private boolean originalFromCache;
  private final Map<String, HyperparameterTuner.Choice> choices = new LinkedHashMap<>();
  private final List<MethodResult> results = new ArrayList<>();
  private final Map<Integer, SeedSplit> seedSplits = new LinkedHashMap<>();
  private final Map<Integer, List<FeatureDistanceProbe.Distances>> featureDistances =
      new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private List<RetrainDistances.Row> retrainRows = List.of();

  private UnlearningRun(UnlearningPlan plan, ProgressListener progress) {
    this.plan = plan;
    this.progress = progress;
  }

  /** Runs every step of {@code plan}. */
  static UnlearningRun run(UnlearningPlan plan, ProgressListener progress) throws IOException {
    UnlearningRun run = new UnlearningRun(plan, progress);
    byte[] originalParameters = run.original();
    MethodRunner runner =
        new MethodRunner(
            plan.spec(),
            plan.splits(),
            originalParameters,
            plan::recipe,
            progress,
            plan.methods().stream().anyMatch(BenchMethod::isRetrain));
    if (plan.gridTuning()) {
      run.tune(runner);
    }
    for (int seed : plan.seeds()) {
      run.seed(runner, seed);
    }
    run.retrainRows = runner.retrainDistances();
    return run;
  }

  /** The original's parameters: loaded from the cache, or trained (and stored there). */
  private byte[] original() throws IOException {
    OriginalCache cache =
        plan.originalCache() == null ? null : new OriginalCache(plan.originalCache());
    Map<String, Object> originalKey = plan.originalKey();
    Optional<OriginalCache.Entry> cached =
        cache == null ? Optional.empty() : cache.load(originalKey);
    byte[] originalParameters;
    if (cached.isPresent()) {
      log(
          "original loaded from %s (%s; trained in %.1f s)",
          plan.originalCache(), OriginalCache.stem(originalKey), cached.get().summary().seconds());
      originalParameters = cached.get().parameters();
      trained = cached.get().summary();
    } else {
      log("training the original (%d epochs)", plan.epochs());
      try (Classifier original =
          Classifier.create(plan.spec(), plan.dataset().labelSchema(), plan.originalSeed())) {
        trained =
            new SupervisedTrainer(plan.recipe(plan.originalSeed()))
                .train(original, plan.dataset(), plan.splits().originalTrain(), progress);
        originalParameters = original.parameterBytes();
      }
      if (cache != null) {
        cache.store(originalKey, originalParameters, trained);
      }
    }
    originalFromCache = cached.isPresent();
    return originalParameters;
  }

  /** Grid tuning of every tunable method on the first seed's forget request. */
  private void tune(MethodRunner runner) {
    SeedSplit first = plan.splits().forSeed(plan.firstSeed(), plan.forgetCount());
    HyperparameterTuner tuner =
        new HyperparameterTuner(runner, plan.tuningMargin(), runner::originalTuningAccuracy);
    for (BenchMethod m : plan.methods()) {
      if (!m.grid().isEmpty()) {
        log("tuning %s (%d candidates)", m.label(), m.grid().size());
        HyperparameterTuner.Choice choice = tuner.tune(m, plan.splits().tuningData(first));
        choices.put(m.key(), choice);
        reportTuning(m, choice);
      }
    }
  }

  /** The original and every method on one seed's forget request. */
  private void seed(MethodRunner runner, int seed) {
    SeedSplit split = plan.splits().forSeed(seed, plan.forgetCount());
    seedSplits.put(seed, split);
    MethodResult original = runner.original(split, trained.seconds(), plan.epochs());
    results.add(original);
    List<FeatureDistanceProbe.Distances> distances = runner.originalFeatureDistances(split);
    featureDistances.put(seed, distances);
    for (FeatureDistanceProbe.Distances d : distances) {
      log(
          "seed %d: Original's OT distance on %s from retain to retain %.4f, to forget %.4f,"
              + " to unseen %.4f",
          seed,
          d.features().name().toLowerCase(Locale.ROOT),
          d.retainToRetain(),
          d.retainToForget(),
          d.retainToUnseen());
    }
    log(
        "seed %d: Original forget acc %.4f, unseen acc %.4f, forgetting score %.4f (MIA split"
            + " std %.4f)",
        seed,
        original.forgetAccuracy(),
        original.unseenAccuracy(),
        original.report().forgettingScore(),
        original.report().mia().std());
    for (BenchMethod m : plan.methods()) {
      log("seed %d: %s", seed, m.label());
      MethodResult r;
      try {
        r = m.isRetrain() ? runner.retrain(m, split) : runner.unlearn(m, tuned(m), split);
      } catch (MethodDivergedException diverged) {
        // One diverged run must not throw away an hour of others: it is reported, not averaged.
        failures.add("seed " + seed + ": " + diverged.getMessage());
        log("seed %d: %s FAILED: %s", seed, m.label(), diverged.getMessage());
        continue;
      }
      results.add(r);
      log(
          "seed %d: %s test acc %.4f, forget acc %.4f, unseen acc %.4f, MIA %.4f, forgetting"
              + " score %.4f, NoMUS %.4f, %.1f s%s",
          seed,
          m.label(),
          r.report().testAccuracy(),
          r.forgetAccuracy(),
          r.unseenAccuracy(),
          r.report().mia().accuracy(),
          r.report().forgettingScore(),
          r.report().nomus(),
          r.seconds(),
          guardSummary(r));
    }
  }

  /** DLFD's ablation rows take full DLFD's tuned settings; the others their own. */
  private Map<String, Object> tuned(BenchMethod m) {
    String key = m.isDlfd() ? DlfdVariant.FULL.key() : m.key();
    HyperparameterTuner.Choice c = choices.get(key);
    return c == null ? Map.of() : c.settings();
  }

  /** The original's training (or the cached original's record of it). */
  public SupervisedTrainer.TrainingSummary trained() {
    return trained;
  }

  /** Whether the original came from {@code --original-cache}. */
  public boolean originalFromCache() {
    return originalFromCache;
  }

  /** Tuned methods' choices, by method key, in tuning order (empty without grid tuning). */
  public Map<String, HyperparameterTuner.Choice> choices() {
    return choices;
  }

  /** Every run that finished: the original and each method, per seed. */
  public List<MethodResult> results() {
    return results;
  }

  /** Each seed's forget / retain split. */
  public Map<Integer, SeedSplit> seedSplits() {
    return seedSplits;
  }

  /** The original's OT distances per seed. */
  public Map<Integer, List<FeatureDistanceProbe.Distances>> featureDistances() {
    return featureDistances;
  }

  /** Runs that failed (diverged); listed under the tables and in run.json. */
  public List<String> failures() {
    return failures;
  }

  /** Each method's distance to Retrain's outputs (empty without Retrain). */
  public List<RetrainDistances.Row> retrainRows() {
    return retrainRows;
  }

  /** Each trial's validation score and the choice, as soon as a method's grid is done. */
  private static void reportTuning(BenchMethod m, HyperparameterTuner.Choice choice) {
    for (HyperparameterTuner.Attempt a : choice.attempts()) {
      TuningScore s = a.score();
      if (s.diverged()) {
        log("tuning %s %s: diverged", m.label(), a.settings());
      } else {
        log(
            "tuning %s %s: validation acc %.4f, MIA %.4f, NoMUS %.4f%s",
            m.label(),
            a.settings(),
            s.accuracy(),
            s.mia(),
            s.objective(),
            a.withinMargin()
                ? ""
                : String.format(
                    Locale.ROOT,
                    " REJECTED (below the original's %.4f - margin %.2f)",
                    choice.originalAccuracy(),
                    choice.margin()));
      }
    }
    log(
        "tuning %s: chose %s%s",
        m.label(),
        choice.settings(),
        choice.noneWithinMargin() ? " (no candidate within the margin: the most accurate)" : "");
  }

  /** The guard's decisions of one run, for its status line. */
  private static String guardSummary(MethodResult r) {
    var g = r.dynamicForgetting().guard();
    if (!g.enabled()) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "; guard: %d checks, %d brakes, %s, slice acc %.4f -> %.4f",
        g.checks(),
        g.brakes(),
        g.stopped() ? "STOPPED" : "not stopped",
        g.parentAccuracy(),
        g.finalAccuracy());
  }
}
