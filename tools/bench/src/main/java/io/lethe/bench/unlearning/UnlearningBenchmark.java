package io.lethe.bench.unlearning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lethe.cli.console.ConsoleProgress;
import io.lethe.cli.options.DatasetOptions;
import io.lethe.cli.report.DatasetSummary;
import io.lethe.cli.report.LossHistogramChart;
import io.lethe.engine.EngineRuntime;
import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.metrics.LabelledLoss;
import io.lethe.engine.metrics.PerSampleLossExport;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.training.SupervisedTrainer;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The paper's comparison as one command: trains one original, then for every seed forgets that
 * seed's subjects with every method from the same original, and writes Table 1, Table 3, Figure 3
 * and run.json. Hyperparameters are tuned (optionally) once, on the first seed's forget request,
 * against held-out tuning subjects; see {@link BenchmarkSplits} for why that never reads test or
 * unseen.
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
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

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

  private List<AggregatedRow> rows = List.of();
  private boolean originalFromCache;
  private final Map<Integer, List<FeatureDistanceProbe.Distances>> featureDistances =
      new LinkedHashMap<>();

  /** The aggregated rows of the last run, for callers that check them. */
  public List<AggregatedRow> rows() {
    return rows;
  }

  @Override
  public Integer call() throws Exception {
    configureDjl();
    if (!tune.equals("none") && !tune.equals("grid")) {
      throw new IllegalArgumentException("--tune must be none or grid, got '" + tune + "'");
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("--seeds needs at least one seed");
    }
    List<BenchMethod> selected = withOverrides(BenchMethods.select(methods));
    long start = System.nanoTime();
    ProgressListener progress = new ConsoleProgress(!noProgress);

    DatasetSource source = data.toSource();
    ImageDataset dataset = source.load();
    ModelSpec spec = spec(dataset);
    Path dir =
        out != null ? out : Path.of("tools", "bench", "results", datasetName(source) + "-" + arch);
    Files.createDirectories(dir);
    BenchmarkSplits splits = BenchmarkSplits.of(dataset, tuningFraction, splitSeed);
    int forgetCount = forgetSubjects > 0 ? forgetSubjects : defaultForgetCount(splits);

    status(
        "dataset %s: %d original-training, %d tuning (accuracy %d / non-members %d), %d test,"
            + " %d unseen images; model %s; forgetting %d subjects per seed",
        dataset.name(),
        splits.originalTrain().length,
        splits.tuningAccuracy().length + splits.tuningNonMembers().length,
        splits.tuningAccuracy().length,
        splits.tuningNonMembers().length,
        splits.test().length,
        splits.unseen().length,
        spec.architecture().cliName(),
        forgetCount);

    OriginalCache cache = originalCache == null ? null : new OriginalCache(originalCache);
    Map<String, Object> originalKey = originalKey(source, spec, splits);
    Optional<OriginalCache.Entry> cached =
        cache == null ? Optional.empty() : cache.load(originalKey);
    byte[] originalParameters;
    SupervisedTrainer.TrainingSummary trained;
    if (cached.isPresent()) {
      status(
          "original loaded from %s (%s; trained in %.1f s)",
          originalCache, OriginalCache.stem(originalKey), cached.get().summary().seconds());
      originalParameters = cached.get().parameters();
      trained = cached.get().summary();
    } else {
      status("training the original (%d epochs)", epochs);
      try (Classifier original = Classifier.create(spec, dataset.labelSchema(), originalSeed)) {
        trained =
            new SupervisedTrainer(recipe(originalSeed))
                .train(original, dataset, splits.originalTrain(), progress);
        originalParameters = original.parameterBytes();
      }
      if (cache != null) {
        cache.store(originalKey, originalParameters, trained);
      }
    }
    originalFromCache = cached.isPresent();
    MethodRunner runner =
        new MethodRunner(
            spec,
            splits,
            originalParameters,
            this::recipe,
            progress,
            selected.stream().anyMatch(BenchMethod::isRetrain));

    Map<String, HyperparameterTuner.Choice> choices = new LinkedHashMap<>();
    SeedSplit first = splits.forSeed(seeds.get(0), forgetCount);
    if (tune.equals("grid")) {
      HyperparameterTuner tuner =
          new HyperparameterTuner(runner, tuningMargin, runner::originalTuningAccuracy);
      for (BenchMethod m : selected) {
        if (!m.grid().isEmpty()) {
          status("tuning %s (%d candidates)", m.label(), m.grid().size());
          HyperparameterTuner.Choice choice = tuner.tune(m, splits.tuningData(first));
          choices.put(m.key(), choice);
          reportTuning(m, choice);
        }
      }
    }

    List<MethodResult> results = new ArrayList<>();
    Map<Integer, SeedSplit> seedSplits = new LinkedHashMap<>();
    for (int seed : seeds) {
      SeedSplit split = splits.forSeed(seed, forgetCount);
      seedSplits.put(seed, split);
      MethodResult original = runner.original(split, trained.seconds(), epochs);
      results.add(original);
      List<FeatureDistanceProbe.Distances> distances = runner.originalFeatureDistances(split);
      featureDistances.put(seed, distances);
      for (FeatureDistanceProbe.Distances d : distances) {
        status(
            "seed %d: Original's OT distance on %s from retain to retain %.4f, to forget %.4f,"
                + " to unseen %.4f",
            seed,
            d.features().name().toLowerCase(Locale.ROOT),
            d.retainToRetain(),
            d.retainToForget(),
            d.retainToUnseen());
      }
      status(
          "seed %d: Original forget acc %.4f, unseen acc %.4f, forgetting score %.4f (MIA split"
              + " std %.4f)",
          seed,
          original.forgetAccuracy(),
          original.unseenAccuracy(),
          original.report().forgettingScore(),
          original.report().mia().std());
      for (BenchMethod m : selected) {
        status("seed %d: %s", seed, m.label());
        MethodResult r;
        try {
          r =
              m.isRetrain()
                  ? runner.retrain(m, split)
                  : runner.unlearn(m, tuned(m, choices), split);
        } catch (MethodDivergedException diverged) {
          // One diverged run must not throw away an hour of others: it is reported, not averaged.
          failures.add("seed " + seed + ": " + diverged.getMessage());
          status("seed %d: %s FAILED: %s", seed, m.label(), diverged.getMessage());
          continue;
        }
        results.add(r);
        status(
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

    rows = AggregatedRow.aggregate(results);
    List<String> footer = new ArrayList<>(footer(splits, forgetCount, results, choices));
    for (String failure : failures) {
      footer.add("FAILED, not in the table: " + failure);
    }
    String title =
        String.format(
            Locale.ROOT,
            "Unlearning benchmark: %s × %s",
            dataset.name(),
            spec.architecture().cliName());
    List<PairedDifference> pairsWithDlfd =
        PairedDifference.against(DlfdVariant.FULL.key(), results);
    String paired = BenchmarkTables.pairedTable(DlfdVariant.FULL.label(), pairsWithDlfd);
    List<RetrainDistances.Row> retrainRows = runner.retrainDistances();
    String retrainTable = RetrainDistances.table(retrainRows);
    String guard = BenchmarkTables.guardTable(results);
    String table1 =
        BenchmarkTables.table1(title + " (Table 1)", rows, footer)
            + (paired.isEmpty() ? "" : "\n" + paired)
            + (guard.isEmpty() ? "" : "\n" + guard)
            + (retrainTable.isEmpty() ? "" : "\n" + retrainTable);
    Files.writeString(dir.resolve("table1.md"), table1);
    Files.writeString(
        dir.resolve("table3.md"),
        BenchmarkTables.table3(title + " — DLFD ablation (Table 3)", rows, footer));
    JSON.writeValue(dir.resolve("table1.json").toFile(), table1Json(results, pairsWithDlfd));
    if (!retrainRows.isEmpty()) {
      JSON.writeValue(dir.resolve("retrain-distance.json").toFile(), retrainRows);
    }
    writeFigure(dir.resolve("figure3.png"), results, seeds.get(0));
    writeRunJson(
        dir.resolve("run.json"),
        source,
        dataset,
        splits,
        forgetCount,
        seedSplits,
        results,
        choices,
        trained,
        (System.nanoTime() - start) / 1e9);
    System.out.println();
    System.out.print(table1);
    System.out.println("\nwritten to " + dir.toAbsolutePath());
    return 0;
  }

  private List<BenchMethod> withOverrides(List<BenchMethod> selected) {
    for (String k : overrides.keySet()) {
      int dot = k.indexOf('.');
      if (dot < 1 || dot == k.length() - 1) {
        throw new IllegalArgumentException("--set needs METHOD.KEY=VALUE, got '" + k + "'");
      }
    }
    for (String k : grids.keySet()) {
      boolean named =
          selected.stream().anyMatch(m -> !m.grid().isEmpty() && k.startsWith(m.key() + "."));
      if (!named) {
        throw new IllegalArgumentException(
            "--grid needs TUNED_METHOD.KEY=V1|V2 for a selected, tuned method, got '" + k + "'");
      }
    }
    List<BenchMethod> r = new ArrayList<>();
    for (BenchMethod m : selected) {
      String prefix = (m.isDlfd() ? "dlfd" : m.key()) + ".";
      Map<String, Object> defaults = new LinkedHashMap<>(m.defaults());
      overrides.forEach(
          (k, v) -> {
            if (k.startsWith(prefix)) {
              defaults.put(k.substring(prefix.length()), v);
            }
          });
      List<Map<String, Object>> grid = gridFor(m, prefix);
      BenchMethod withDefaults = new BenchMethod(m.key(), m.label(), defaults, grid, m.variant());
      for (Map<String, Object> candidate : grid) {
        if (!m.isRetrain()) {
          withDefaults.create(0, candidate).name(); // rejects a bad value now
        }
      }
      if (!m.isRetrain()) {
        withDefaults.create(0, Map.of()).name(); // rejects a bad key now, not after an hour
      }
      r.add(withDefaults);
    }
    return r;
  }

  /** The method's grid, replaced by the {@code --grid} options that name it. */
  private List<Map<String, Object>> gridFor(BenchMethod m, String prefix) {
    if (m.grid().isEmpty()) {
      // Untuned rows (Retrain, DLFD's ablations, which share "dlfd." and take full DLFD's choice).
      return m.grid();
    }
    List<Map<String, Object>> grid = List.of(Map.of());
    boolean replaced = false;
    for (Map.Entry<String, String> e : grids.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      replaced = true;
      String key = e.getKey().substring(prefix.length());
      List<Map<String, Object>> product = new ArrayList<>();
      for (Map<String, Object> partial : grid) {
        for (String value : e.getValue().split("\\|")) {
          Map<String, Object> c = new LinkedHashMap<>(partial);
          c.put(key, value.trim());
          product.add(c);
        }
      }
      grid = product;
    }
    if (!replaced) {
      return m.grid();
    }
    if (grid.size() > BenchMethods.BUDGET) {
      throw new IllegalArgumentException(
          "--grid for "
              + m.label()
              + " has "
              + grid.size()
              + " candidates; the budget is "
              + BenchMethods.BUDGET
              + " per method");
    }
    return grid;
  }

  /** DLFD's ablation rows take full DLFD's tuned settings; the others their own. */
  private static Map<String, Object> tuned(
      BenchMethod m, Map<String, HyperparameterTuner.Choice> choices) {
    String key = m.isDlfd() ? DlfdVariant.FULL.key() : m.key();
    HyperparameterTuner.Choice c = choices.get(key);
    return c == null ? Map.of() : c.settings();
  }

  private static int defaultForgetCount(BenchmarkSplits splits) {
    long subjects =
        java.util.Arrays.stream(splits.originalTrain())
            .mapToObj(i -> splits.dataset().sample(i).subjectId())
            .distinct()
            .count();
    return (int) Math.max(1, Math.round(subjects * 0.10));
  }

  TrainingRecipe recipe(int seed) {
    return TrainingRecipe.builder()
        .optEpochs(epochs)
        .optBatchSize(batchSize)
        .optLearningRate(learningRate)
        .optWeightDecay(weightDecay)
        .optSeed(seed)
        .build();
  }

  private ModelSpec spec(ImageDataset dataset) {
    Normalization norm =
        dataset.channels() == 3
            ? Normalization.imagenet()
            : Normalization.uniform(1, 0.2860f, 0.3530f);
    return ModelSpec.of(
        Architecture.parse(arch),
        dataset.channels(),
        dataset.side(),
        dataset.labelSchema().numOutputs(),
        norm);
  }

  /** Everything the original's parameters depend on. */
  private Map<String, Object> originalKey(
      DatasetSource source, ModelSpec spec, BenchmarkSplits splits) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("dataset", source.toMap());
    key.put("arch", spec.architecture().cliName());
    key.put("channels", spec.channels());
    key.put("side", spec.side());
    key.put("outputs", spec.numOutputs());
    key.put("smallInputStem", spec.smallInputStem());
    key.put("recipe", recipe(originalSeed).describe());
    key.put("trainIndicesSha256", OriginalCache.indicesDigest(splits.originalTrain()));
    return key;
  }

  private static String datasetName(DatasetSource source) {
    return switch (source.kind()) {
      case DatasetSource.IDX -> source.options().get("preset");
      case DatasetSource.FOLDERS ->
          "folders-" + Path.of(source.options().get("images")).getFileName();
      default -> "csv-" + source.options().get("format");
    };
  }

  private List<String> footer(
      BenchmarkSplits splits,
      int forgetCount,
      List<MethodResult> results,
      Map<String, HyperparameterTuner.Choice> choices) {
    List<MethodResult> originals =
        results.stream().filter(r -> r.key().equals(MethodResult.ORIGINAL)).toList();
    MeanStd originalScore =
        MeanStd.of(originals.stream().mapToDouble(r -> r.report().forgettingScore()).toArray());
    MeanStd miaStd =
        MeanStd.of(originals.stream().mapToDouble(r -> r.report().mia().std()).toArray());
    MethodResult o = originals.get(0);
    List<String> f = new ArrayList<>();
    f.add("Dataset " + DatasetSummary.of(splits.dataset()).substring("dataset ".length()) + ".");
    f.add(
        String.format(
            Locale.ROOT,
            "Mean ± sample std (n−1) over seeds %s. Seed s picks the %d forget subjects and seeds"
                + " every method and Retrain; one original (seed %d, %d epochs) for all.",
            seeds,
            forgetCount,
            originalSeed,
            epochs));
    f.add(
        String.format(
            Locale.ROOT,
            "Original's forgetting score: %s; MIA std across its 10 splits: %.4f (mean over"
                + " seeds); attack on %d forget vs %d unseen samples after balancing.",
            originalScore.format(4),
            miaStd.mean(),
            o.report().mia().memberCount(),
            o.report().mia().nonMemberCount()));
    f.add(
        String.format(
            Locale.ROOT,
            "Sizes: original trained on %d images; per seed forget %d, retain %d; test %d; unseen"
                + " %d; tuning accuracy %d, tuning non-members %d.",
            splits.originalTrain().length,
            splits.forSeed(seeds.get(0), forgetCount).forget().length,
            splits.forSeed(seeds.get(0), forgetCount).retain().length,
            splits.test().length,
            splits.unseen().length,
            splits.tuningAccuracy().length,
            splits.tuningNonMembers().length));
    f.add(featureDistanceLine());
    if (choices.isEmpty()) {
      f.add(
          overrides.isEmpty()
              ? "Tuning: none (--tune none); every method ran with its documented defaults."
              : "Tuning: none (--tune none); every method ran with its documented defaults and"
                  + " these --set overrides: "
                  + overrides
                  + ".");
    } else {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "Tuning: grid on seed %d's forget set, objective NoMUS(tuning accuracy, MIA"
                      + " forget vs tuning non-members), candidates more than %.2f below the"
                      + " original's tuning accuracy rejected; test and unseen never read. Chosen:",
                  seeds.get(0),
                  tuningMargin));
      // The trial count is each method's own: a --grid override may offer fewer candidates than
      // the budget, and the count is what a reader compares between methods.
      choices.forEach(
          (k, c) ->
              sb.append(' ')
                  .append(k)
                  .append(' ')
                  .append(c.settings())
                  .append(" (best of ")
                  .append(c.attempts().size())
                  .append(" trials);"));
      // A --set next to --tune grid fixes a setting in every trial and every seed (e.g. UNSIR's
      // repair rate while its impair rate is tuned); without it the choice reads incomplete.
      if (!overrides.isEmpty()) {
        sb.append(" Fixed by --set in every trial and seed: ").append(overrides).append('.');
      }
      f.add(sb.toString());
    }
    return f;
  }

  /** The original's OT distances, mean over seeds, per feature layer. */
  private String featureDistanceLine() {
    StringBuilder sb =
        new StringBuilder(
            "Original's Sinkhorn distance (DLFD's OT, ε 0.01) from retain batches, mean over seeds"
                + " and paired batches of "
                + featureDistances.values().iterator().next().get(0).batchSize()
                + ":");
    for (FeatureSource f : FeatureSource.values()) {
      double rr = 0;
      double rf = 0;
      double ru = 0;
      int n = 0;
      for (List<FeatureDistanceProbe.Distances> seed : featureDistances.values()) {
        for (FeatureDistanceProbe.Distances d : seed) {
          if (d.features() == f) {
            rr += d.retainToRetain();
            rf += d.retainToForget();
            ru += d.retainToUnseen();
            n++;
          }
        }
      }
      sb.append(
          String.format(
              Locale.ROOT,
              " %s: to retain %.4f, to forget %.4f, to unseen %.4f;",
              f.name().toLowerCase(Locale.ROOT),
              rr / n,
              rf / n,
              ru / n));
    }
    return sb.toString();
  }

  private static Map<String, Object> table1Json(
      List<MethodResult> results, List<PairedDifference> pairsWithDlfd) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rows", AggregatedRow.aggregate(results));
    json.put("pairedWithDlfd", pairsWithDlfd);
    List<Map<String, Object>> runs = new ArrayList<>();
    for (MethodResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", r.key());
      m.put("seed", r.seed());
      m.put("testAccuracy", r.report().testAccuracy());
      m.put("testTop2Accuracy", r.report().testTop2Accuracy());
      m.put("forgetAccuracy", r.forgetAccuracy());
      m.put("unseenAccuracy", r.unseenAccuracy());
      m.put("mia", r.report().mia().accuracy());
      m.put("miaStd", r.report().mia().std());
      m.put("forgettingScore", r.report().forgettingScore());
      m.put("nomus", r.report().nomus());
      m.put("seconds", r.seconds());
      m.put("retainPasses", r.retainPasses());
      m.put("forgetPasses", r.forgetPasses());
      DynamicForgettingTrace t = r.dynamicForgetting();
      if (t.steps() > 0) {
        m.put("steps", t.steps());
        m.put("perturbedSteps", t.perturbedSteps());
        m.put("monitorInitialEstimate", finiteOrNull(t.initialEstimate()));
        m.put("monitorFinalEstimate", finiteOrNull(t.finalEstimate()));
        m.put("monitorSeconds", finiteOrNull(t.monitorSeconds()));
        m.put("monitorEstimates", t.monitorEstimates());
        m.put("perturbationSeconds", finiteOrNull(t.perturbationSeconds()));
      }
      if (t.guard().enabled()) {
        m.put("guard", t.guard());
      }
      m.put("settings", r.settings());
      runs.add(m);
    }
    json.put("runs", runs);
    return json;
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static void writeFigure(Path png, List<MethodResult> results, int seed)
      throws IOException {
    List<LossHistogramChart.Panel> panels = new ArrayList<>();
    for (String key : List.of(MethodResult.ORIGINAL, BenchMethod.RETRAIN, DlfdVariant.FULL.key())) {
      results.stream()
          .filter(r -> r.seed() == seed && r.key().equals(key))
          .findFirst()
          .ifPresent(
              r ->
                  panels.add(
                      new LossHistogramChart.Panel(
                          r.label() + " (seed " + seed + ")",
                          PerSampleLossExport.lossesOf(r.losses(), LabelledLoss.FORGET),
                          PerSampleLossExport.lossesOf(r.losses(), LabelledLoss.UNSEEN))));
    }
    if (!panels.isEmpty()) {
      LossHistogramChart.write(png, panels);
    }
  }

  private void writeRunJson(
      Path file,
      DatasetSource source,
      ImageDataset dataset,
      BenchmarkSplits splits,
      int forgetCount,
      Map<Integer, SeedSplit> seedSplits,
      List<MethodResult> results,
      Map<String, HyperparameterTuner.Choice> choices,
      SupervisedTrainer.TrainingSummary trained,
      double totalSeconds)
      throws IOException {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("command", commandLine());
    run.put("finishedAt", Instant.now().toString());
    run.put("totalSeconds", totalSeconds);
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("dataset", source.toMap());
    options.put("arch", arch);
    options.put("originalRecipe", recipe(originalSeed).describe());
    options.put("seeds", seeds);
    options.put("forgetSubjects", forgetCount);
    options.put("tuningFraction", tuningFraction);
    options.put("splitSeed", splitSeed);
    options.put("tune", tune);
    options.put("methods", methods.isEmpty() ? "all" : methods);
    options.put("overrides", overrides);
    options.put("grids", grids);
    run.put("options", options);
    Map<String, Object> sizes = new LinkedHashMap<>();
    sizes.put("datasetImages", dataset.size());
    sizes.put("originalTrain", splits.originalTrain().length);
    sizes.put("tuningSubjects", splits.tuningSubjects().size());
    sizes.put("tuningAccuracy", splits.tuningAccuracy().length);
    sizes.put("tuningNonMembers", splits.tuningNonMembers().length);
    sizes.put("test", splits.test().length);
    sizes.put("unseen", splits.unseen().length);
    Map<String, Object> perSeed = new LinkedHashMap<>();
    seedSplits.forEach(
        (seed, s) ->
            perSeed.put(
                Integer.toString(seed),
                Map.of("forget", s.forget().length, "retain", s.retain().length)));
    sizes.put("perSeed", perSeed);
    run.put("sizes", sizes);
    Map<String, Object> original = new LinkedHashMap<>();
    original.put("trainSeconds", trained.seconds());
    original.put("loadedFromCache", originalFromCache);
    original.put("finalEpochLoss", trained.finalEpochLoss());
    Map<String, Object> perSeedOriginal = new LinkedHashMap<>();
    for (MethodResult r : results) {
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
    original.put("featureDistances", featureDistances);
    run.put("original", original);
    run.put("tuning", choices.values());
    run.put("failures", failures);
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", java.lang.Runtime.getRuntime().availableProcessors());
    machine.put("numThreads", System.getProperty("ai.djl.pytorch.num_threads"));
    machine.put("loadAverage", loadAverage());
    run.put("machine", machine);
    JSON.writeValue(file.toFile(), run);
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

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private void configureDjl() {
    // DJL reads these when the engine loads; they must be in place before the first Engine call.
    EngineRuntime.configure(threads, 2);
  }

  /** Runs that failed (diverged); listed under the tables and in run.json. */
  private final List<String> failures = new ArrayList<>();

  /** Each trial's validation score and the choice, as soon as a method's grid is done. */
  private static void reportTuning(BenchMethod m, HyperparameterTuner.Choice choice) {
    for (HyperparameterTuner.Attempt a : choice.attempts()) {
      TuningScore s = a.score();
      if (s.diverged()) {
        status("tuning %s %s: diverged", m.label(), a.settings());
      } else {
        status(
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
    status(
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

  private static void status(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
  }
}
