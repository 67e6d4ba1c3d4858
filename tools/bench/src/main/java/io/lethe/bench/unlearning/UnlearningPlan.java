package io.lethe.bench.unlearning;

import static io.lethe.bench.BenchLog.log;

import io.lethe.engine.data.DatasetSource;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@code unlearning} run does, resolved from {@link UnlearningOptions}: the dataset and its
 * splits, the model, the methods with their overrides, the seeds, how many subjects each seed
 * forgets, the original's recipe and where the results go.
 *
 * @param methods the selected methods, with their {@code --set} defaults and {@code --grid} grids
 * @param dir the output directory (created)
 * @param forgetCount subjects forgotten per seed
 */
public record UnlearningPlan(
    UnlearningOptions options,
    List<BenchMethod> methods,
    DatasetSource source,
    ImageDataset dataset,
    ModelSpec spec,
    Path dir,
    BenchmarkSplits splits,
    int forgetCount) {

  /** The methods with their overrides, checked before the dataset is read. */
  static List<BenchMethod> methods(UnlearningOptions o) {
    if (!o.tune.equals("none") && !o.tune.equals("grid")) {
      throw new IllegalArgumentException("--tune must be none or grid, got '" + o.tune + "'");
    }
    if (o.seeds.isEmpty()) {
      throw new IllegalArgumentException("--seeds needs at least one seed");
    }
    return new MethodOverrides(o.overrides, o.grids).apply(BenchMethods.select(o.methods));
  }

  /** Loads the dataset, splits it, creates the output directory and logs the sizes. */
  static UnlearningPlan of(UnlearningOptions o, List<BenchMethod> methods) throws IOException {
    DatasetSource source = o.data.toSource();
    ImageDataset dataset = source.load();
    ModelSpec spec = spec(dataset, o.arch);
    Path dir =
        o.out != null
            ? o.out
            : Path.of("tools", "bench", "results", datasetName(source) + "-" + o.arch);
    Files.createDirectories(dir);
    BenchmarkSplits splits = BenchmarkSplits.of(dataset, o.tuningFraction, o.splitSeed);
    int forgetCount = o.forgetSubjects > 0 ? o.forgetSubjects : defaultForgetCount(splits);
    UnlearningPlan plan =
        new UnlearningPlan(o, methods, source, dataset, spec, dir, splits, forgetCount);
    log(
        "dataset %s: %d original-training, %d tuning (accuracy %d / non-members %d), %d test,"
            + " %d unseen images; model %s; forgetting %d subjects per seed",
        dataset.name(),
        splits.originalTrain().length,
        splits.tuningAccuracy().length + splits.tuningNonMembers().length,
        splits.tuningAccuracy().length,
        splits.tuningNonMembers().length,
        splits.test().length,
        splits.unseen().length,
        plan.spec().architecture().cliName(),
        plan.forgetCount());
    return plan;
  }

  public List<Integer> seeds() {
    return options.seeds;
  }

  /** The seed tuning runs on (the first). */
  public int firstSeed() {
    return options.seeds.get(0);
  }

  public int originalSeed() {
    return options.originalSeed;
  }

  /** Epochs of the original and of Retrain. */
  public int epochs() {
    return options.epochs;
  }

  public boolean gridTuning() {
    return options.tune.equals("grid");
  }

  public double tuningMargin() {
    return options.tuningMargin;
  }

  /** The {@code --set} overrides as given. */
  public Map<String, String> overrides() {
    return options.overrides;
  }

  /** Where trained originals are kept, or {@code null}. */
  Path originalCache() {
    return options.originalCache;
  }

  /** The recipe of the original and of Retrain, with {@code seed}. */
  public TrainingRecipe recipe(int seed) {
    return TrainingRecipe.builder()
        .optEpochs(options.epochs)
        .optBatchSize(options.batchSize)
        .optLearningRate(options.learningRate)
        .optWeightDecay(options.weightDecay)
        .optSeed(seed)
        .build();
  }

  /** The options as run.json records them. */
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("dataset", source.toMap());
    d.put("arch", options.arch);
    d.put("originalRecipe", recipe(options.originalSeed).describe());
    d.put("seeds", options.seeds);
    d.put("forgetSubjects", forgetCount);
    d.put("tuningFraction", options.tuningFraction);
    d.put("splitSeed", options.splitSeed);
    d.put("tune", options.tune);
    d.put("methods", options.methods.isEmpty() ? "all" : options.methods);
    d.put("overrides", options.overrides);
    d.put("grids", options.grids);
    return d;
  }

  /** Everything the original's parameters depend on. */
  Map<String, Object> originalKey() {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("dataset", source.toMap());
    key.put("arch", spec.architecture().cliName());
    key.put("channels", spec.channels());
    key.put("side", spec.side());
    key.put("outputs", spec.numOutputs());
    key.put("smallInputStem", spec.smallInputStem());
    key.put("recipe", recipe(options.originalSeed).describe());
    key.put("trainIndicesSha256", OriginalCache.indicesDigest(splits.originalTrain()));
    return key;
  }

  private static ModelSpec spec(ImageDataset dataset, String arch) {
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

  private static String datasetName(DatasetSource source) {
    return switch (source.kind()) {
      case DatasetSource.IDX -> source.options().get("preset");
      case DatasetSource.FOLDERS ->
          "folders-" + Path.of(source.options().get("images")).getFileName();
      default -> "csv-" + source.options().get("format");
    };
  }

  private static int defaultForgetCount(BenchmarkSplits splits) {
    long subjects =
        java.util.Arrays.stream(splits.originalTrain())
            .mapToObj(i -> splits.dataset().sample(i).subjectId())
            .distinct()
            .count();
    return (int) Math.max(1, Math.round(subjects * 0.10));
  }
}
