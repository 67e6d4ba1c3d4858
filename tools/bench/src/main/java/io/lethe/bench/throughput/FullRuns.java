package io.lethe.bench.throughput;

import static io.lethe.bench.BenchLog.log;

import ai.djl.Device;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.SupervisedTrainer;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.UnlearningData;
import io.lethe.engine.unlearn.UnlearningOutcome;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.format.model.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The full runs: one DLFD unlearning and Retrain (measured epochs, extrapolated to the recipe's),
 * their wall-time ratio and, when {@code --retain-limit} cut the retain pool, both projected to the
 * whole pool. Each adds its rows to the report.
 */
final class FullRuns {
  private final ThroughputOptions o;
  private final ModelSpec spec;
  private final UnlearningData data;
  private final Device device;
  private final int retainPoolSize;
  private final ThroughputReport report;

  FullRuns(ThroughputPlan plan, ThroughputReport report) {
    this.o = plan.options();
    this.spec = plan.spec();
    this.data = plan.data();
    this.device = plan.device();
    this.retainPoolSize = plan.retainPoolSize();
    this.report = report;
  }

  /** Runs DLFD and Retrain and puts their results, ratio and projections into {@code bench}. */
  void run(Map<String, Object> bench) {
    Map<String, Object> dlfd = dlfdRun();
    bench.put("dlfdFullRun", dlfd);
    Map<String, Object> retrain = retrainRun();
    bench.put("retrain", retrain);
    double ratio = (double) retrain.get("extrapolatedSeconds") / (double) dlfd.get("wallSeconds");
    bench.put("retrainOverDlfd", ratio);
    if (retainPoolSize > data.retain().length) {
      double scale = (double) retainPoolSize / data.retain().length;
      double dlfdFull = (double) dlfd.get("wallSeconds") * scale;
      double retrainFull = (double) retrain.get("extrapolatedSeconds") * scale;
      Map<String, Object> projected = new LinkedHashMap<>();
      projected.put("retainImages", retainPoolSize);
      projected.put("dlfdSeconds", dlfdFull);
      projected.put("retrainSeconds", retrainFull);
      projected.put(
          "note", "linear in R from the measured runs; not run (score estimates scale less)");
      bench.put("projectedFullRetainPool", projected);
      projectedRow("DLFD, R=" + retainPoolSize, dlfdFull, "measured DLFD");
      projectedRow(
          "Retrain " + o.retrainEpochs + " epochs, R=" + retainPoolSize,
          retrainFull,
          "extrapolated Retrain");
    }
    report.row(
        new String[] {
          "Retrain / DLFD wall-time ratio",
          "",
          "",
          "",
          String.format(Locale.ROOT, "%.1fx", ratio),
          "extrapolated Retrain over measured DLFD",
          MachineFacts.load()
        });
  }

  /** A row of a run projected to the whole retain pool from {@code measured}. */
  private void projectedRow(String label, double seconds, String measured) {
    report.row(
        new String[] {
          label + " (PROJECTED)",
          "",
          "",
          String.format(Locale.ROOT, "%.0f s", seconds),
          "",
          "projected: "
              + measured
              + " x "
              + retainPoolSize
              + "/"
              + data.retain().length
              + ", not run",
          MachineFacts.load()
        });
  }

  private Map<String, Object> dlfdRun() {
    DlfdConfig config =
        DlfdConfig.builder().optDynamicForgetting(o.dlfdDynamic).optSeed(o.seed).build();
    log(
        "DLFD full run: %d retain, %d forget, %d epoch(s), dynamic forgetting %s",
        data.retain().length, data.forget().length, config.epochs(), o.dlfdDynamic);
    UnlearningOutcome outcome;
    long rssStart;
    long rssEnd;
    long s;
    long e;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), o.seed, device)) {
      rssStart = MachineFacts.rssMiB();
      s = System.nanoTime();
      outcome = new Dlfd(config).unlearn(model, data, new LogProgress("dlfd"));
      e = System.nanoTime();
      rssEnd = MachineFacts.rssMiB();
    }
    double wall = (e - s) / 1e9;
    String ld = MachineFacts.load();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", "DLFD full run (Dlfd.unlearn)");
    r.put("retainImages", data.retain().length);
    r.put("forgetImages", data.forget().length);
    r.put("wallSeconds", wall);
    r.put("steps", outcome.steps());
    r.put("perturbedSteps", outcome.perturbedSteps());
    r.put("retainPasses", outcome.retainPasses());
    r.put("forgetPasses", outcome.forgetPasses());
    r.put("dynamicForgetting", o.dlfdDynamic);
    r.put("rssMiBStart", rssStart);
    r.put("rssMiBEnd", rssEnd);
    r.put("loadAverage", MachineFacts.loadAverage());
    r.put("config", config.describe());
    log(
        "DLFD: %.1f s wall, %d steps (%d perturbed), RSS %d -> %d MiB, load %s",
        wall, outcome.steps(), outcome.perturbedSteps(), rssStart, rssEnd, ld);
    report.row(
        new String[] {
          "DLFD full run (Dlfd.unlearn), measured",
          config.batchSize() + " + " + config.batchSize(),
          outcome.steps() + " steps",
          String.format(Locale.ROOT, "%.1f s", wall),
          String.format(
              Locale.ROOT, "%.1f retain img/s", data.retain().length * config.epochs() / wall),
          String.format(
              Locale.ROOT,
              "R=%d retain, %d forget, %d epoch, %d/%d batches perturbed (dynamic forgetting %s),"
                  + " incl. forgetting-score estimates every %d batches",
              data.retain().length,
              data.forget().length,
              config.epochs(),
              outcome.perturbedSteps(),
              outcome.steps(),
              o.dlfdDynamic ? "on" : "off",
              config.scoreEvery()),
          ld
        });
    return r;
  }

  private Map<String, Object> retrainRun() {
    TrainingRecipe recipe =
        TrainingRecipe.builder()
            .optEpochs(o.retrainMeasuredEpochs)
            .optBatchSize(o.batch)
            .optSeed(o.seed)
            .build();
    log(
        "Retrain: %d epoch(s) measured on %d retain images, extrapolated to %d",
        o.retrainMeasuredEpochs, data.retain().length, o.retrainEpochs);
    SupervisedTrainer.TrainingSummary summary;
    long s;
    long e;
    try (Classifier model = Classifier.create(spec, data.dataset().labelSchema(), o.seed, device)) {
      s = System.nanoTime();
      summary =
          new SupervisedTrainer(recipe)
              .train(model, data.dataset(), data.retain(), new LogProgress("retrain"));
      e = System.nanoTime();
    }
    double measured = (e - s) / 1e9;
    double extrapolated = measured / o.retrainMeasuredEpochs * o.retrainEpochs;
    String ld = MachineFacts.load();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", "Retrain (SupervisedTrainer on the retain set)");
    r.put("retainImages", data.retain().length);
    r.put("measuredEpochs", o.retrainMeasuredEpochs);
    r.put("measuredSeconds", measured);
    r.put("measuredSteps", summary.steps());
    r.put("epochs", o.retrainEpochs);
    r.put("extrapolatedSeconds", extrapolated);
    r.put("extrapolated", o.retrainMeasuredEpochs != o.retrainEpochs);
    r.put("loadAverage", MachineFacts.loadAverage());
    r.put("recipe", recipe.describe());
    log(
        "Retrain: %.1f s for %d epoch(s) -> %.1f s for %d epochs (extrapolated), load %s",
        measured, o.retrainMeasuredEpochs, extrapolated, o.retrainEpochs, ld);
    report.row(
        new String[] {
          "Retrain, measured",
          Integer.toString(recipe.batchSize()),
          o.retrainMeasuredEpochs + " epoch (" + summary.steps() + " steps)",
          String.format(Locale.ROOT, "%.1f s", measured),
          String.format(
              Locale.ROOT, "%.1f img/s", data.retain().length * o.retrainMeasuredEpochs / measured),
          "SupervisedTrainer on R=" + data.retain().length + " retain images",
          ld
        });
    report.row(
        new String[] {
          "Retrain, " + o.retrainEpochs + " epochs (EXTRAPOLATED)",
          Integer.toString(recipe.batchSize()),
          o.retrainEpochs + " epochs",
          String.format(Locale.ROOT, "%.1f s", extrapolated),
          "",
          String.format(
              Locale.ROOT,
              "extrapolated: measured %d epoch x %d / %d, not run",
              o.retrainMeasuredEpochs,
              o.retrainEpochs,
              o.retrainMeasuredEpochs),
          ld
        });
    return r;
  }

  /** Logs every 10th step of a long stage to stderr, so the run visibly progresses. */
  private static final class LogProgress implements ProgressListener {
    private final String label;
    private final long start = System.nanoTime();

    LogProgress(String label) {
      this.label = label;
    }

    @Override
    public void stepCompleted(ProgressEvent event) {
      if (event.step() % 10 == 0 || event.step() == event.totalSteps()) {
        log(
            "  %s step %d/%d, %.1f s",
            label, event.step(), event.totalSteps(), (System.nanoTime() - start) / 1e9);
      }
    }
  }
}
