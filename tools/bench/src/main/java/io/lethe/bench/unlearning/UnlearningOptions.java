package io.lethe.bench.unlearning;

import io.lethe.cli.options.DatasetOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code lethe-bench unlearning}: dataset, the original's recipe, seeds, tuning,
 * methods and their overrides, output and caching. {@link UnlearningPlan} resolves them.
 */
public final class UnlearningOptions {
  @Mixin DatasetOptions data;

  @Option(
      names = "--arch",
      defaultValue = "resnet18",
      description =
          "resnet18, densenet121, efficientnet-b0 or small-cnn. Default: ${DEFAULT-VALUE}.")
  String arch;

  @Option(
      names = "--epochs",
      defaultValue = "20",
      description = "Epochs of the original and of Retrain. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "32",
      description = "Batch of the original and of Retrain. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--lr",
      defaultValue = "0.01",
      description =
          "SGD learning rate of the original and of Retrain (cosine decay, momentum 0.9, no"
              + " augmentation: the original should memorise). Default: ${DEFAULT-VALUE}.")
  float learningRate;

  @Option(
      names = "--weight-decay",
      defaultValue = "5e-4",
      description = "Weight decay of the original and of Retrain. Default: ${DEFAULT-VALUE}.")
  float weightDecay;

  @Option(
      names = "--original-seed",
      defaultValue = "0",
      description = "Initialisation and shuffling seed of the original. Default: ${DEFAULT-VALUE}.")
  int originalSeed;

  @Option(
      names = "--seeds",
      split = ",",
      defaultValue = "1,2,3",
      description =
          "Seeds (comma-separated); at least 3 for a mean ± std. Default: ${DEFAULT-VALUE}.")
  List<Integer> seeds;

  @Option(
      names = "--forget-subjects",
      defaultValue = "0",
      description =
          "Subjects forgotten per seed; 0 = 10%% of the original's training subjects."
              + " Default: ${DEFAULT-VALUE}.")
  int forgetSubjects;

  @Option(
      names = "--tuning-fraction",
      defaultValue = "0.25",
      description =
          "Share of TRAIN subjects held out of the original's training for tuning (half measure"
              + " accuracy, half play the attack's non-members). Default: ${DEFAULT-VALUE}.")
  double tuningFraction;

  @Option(
      names = "--split-seed",
      defaultValue = "1",
      description = "Seed choosing the tuning subjects. Default: ${DEFAULT-VALUE}.")
  long splitSeed;

  @Option(
      names = "--tune",
      defaultValue = "grid",
      description =
          "none: every method with its defaults; grid: "
              + BenchMethods.BUDGET
              + " candidates per tunable method (baselines: learning rate; DLFD: pixel step size"
              + " α), chosen by validation NoMUS on the first seed. Default: ${DEFAULT-VALUE}.")
  String tune;

  @Option(
      names = "--tuning-margin",
      defaultValue = "0.05",
      description =
          "Grid tuning rejects a candidate whose validation accuracy falls more than this below the"
              + " original's on the same validation set (1 = no rejection). Default:"
              + " ${DEFAULT-VALUE}.")
  double tuningMargin;

  @Option(
      names = "--methods",
      split = ",",
      description =
          "Rows to run (default all): retrain, finetune, neggrad, cf-k, eu-k, unsir,"
              + " bad-teaching, scrub, dlfd, dlfd-ot-only, dlfd-ot-cls, dlfd-unguarded (DLFD with"
              + " DLFD's tuned settings and the utility guard off).")
  List<String> methods = new ArrayList<>();

  @Option(
      names = "--set",
      description =
          "Override a method's setting, METHOD.KEY=VALUE (repeatable), e.g. finetune.epochs=1;"
              + " dlfd.KEY applies to DLFD and its ablations (e.g. dlfd.perturbationSteps=5,"
              + " dlfd.featureSource=embedding, dlfd.scoreEvery=3).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--grid",
      description =
          "Replace a method's tuning grid, METHOD.KEY=V1|V2|... (repeatable; several keys of one"
              + " method give their cartesian product), e.g. dlfd.learningRate=0.002|0.008. The"
              + " grid may have at most as many candidates as every method's budget, so budgets"
              + " stay equal.")
  Map<String, String> grids = new LinkedHashMap<>();

  @Option(
      names = "--out",
      description = "Output directory. Default: tools/bench/results/<dataset>-<arch>.")
  Path out;

  @Option(
      names = "--threads",
      description = "libtorch intra-op threads. Default: 2 unless -Dai.djl.pytorch.num_threads.")
  Integer threads;

  @Option(
      names = "--original-cache",
      description =
          "Directory that keeps trained originals keyed by dataset, sizes, architecture, recipe"
              + " and seed; a later run with the same key loads the original instead of training"
              + " it (its training time is still reported). Default: none (always train).")
  Path originalCache;

  @Option(names = "--no-progress", description = "No progress bars.")
  boolean noProgress;
}
