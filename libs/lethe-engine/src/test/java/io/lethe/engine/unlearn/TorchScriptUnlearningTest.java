package io.lethe.engine.unlearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.lethe.engine.checkpoint.Checkpoints;
import io.lethe.engine.checkpoint.LoadedCheckpoint;
import io.lethe.engine.data.IdxDatasetReader;
import io.lethe.engine.data.Indices;
import io.lethe.engine.data.UnlearningSplit;
import io.lethe.engine.evaluation.UnlearningEvaluator;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.model.InputNormalizer;
import io.lethe.engine.model.TorchScriptClassifiers;
import io.lethe.engine.model.TorchScriptFixture;
import io.lethe.engine.progress.ProgressListener;
import io.lethe.engine.unlearn.baselines.LastBlocks;
import io.lethe.engine.unlearn.dlfd.Dlfd;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.dlfd.FeatureSource;
import io.lethe.engine.workflow.ModelLineage;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Split;
import io.lethe.format.model.ModelFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DLFD, baselines and evaluation on the Fashion-MNIST CNN made by PyTorch (the TorchScript
 * fixture), on 200 Fashion-MNIST training images (Debian package dataset-fashion-mnist).
 */
class TorchScriptUnlearningTest {
  private static ImageDataset dataset;
  private static UnlearningData data;
  private static Set<String> forget;

  @BeforeAll
  static void readData() throws IOException {
    dataset =
        IdxDatasetReader.fashionMnist(IdxDatasetReader.FASHION_MNIST_DIR)
            .optTrainLimit(200)
            .optTestLimit(100)
            .optSamplesPerSubject(20)
            .optSeed(5)
            .build()
            .read();
    String subject = UnlearningSplit.subjects(dataset, Split.TRAIN).iterator().next();
    forget = Set.of(subject);
    UnlearningSplit split = UnlearningSplit.of(dataset, forget);
    data = new UnlearningData(dataset, split.forget(), split.retain(), split.unseen(), new int[0]);
  }

  private static Classifier fixture(String name) {
    return TorchScriptClassifiers.load(
        TorchScriptFixture.file(name + ".pt"), TorchScriptFixture.file(name + ".json"), null);
  }

  private static DlfdConfig.Builder dlfd() {
    return DlfdConfig.builder()
        .optEpochs(1)
        .optBatchSize(32)
        .optPerturbationSteps(2)
        .optDynamicForgetting(false)
        .optScoreSampleSize(16)
        .optScoreSplits(2)
        .optSinkhornIterations(20);
  }

  private static float[] eval(Classifier model, NDManager m) {
    return model.predict(new TorchScriptFixture().pixels(m)).get(0).toFloatArray();
  }

  @Test
  void dlfdOnATorchScriptCheckpointYieldsATorchScriptCheckpointThatExportsAndReloads(
      @TempDir Path dir) throws Exception {
    Path original = dir.resolve("v1");
    try (Classifier model = fixture("model")) {
      Checkpoints.save(
          original,
          model,
          CheckpointManifest.builder(
              "import", CheckpointManifest.Dataset.of(dataset, Map.of("kind", "idx"))));
    }
    CheckpointManifest parent = Checkpoints.readManifest(original);
    assertThat(parent.format()).isEqualTo("torchscript");
    assertThat(parent.architecture()).isEqualTo("torchscript");

    ModelLineage.UnlearnedVersion v2 =
        ModelLineage.unlearn(
            original,
            dataset,
            new Dlfd(dlfd().build()),
            forget,
            dir.resolve("v2"),
            ProgressListener.NONE);
    CheckpointManifest child = v2.version().manifest();
    assertThat(child.modelFormat()).isEqualTo(ModelFormat.TORCHSCRIPT);
    assertThat(child.parent().id()).isEqualTo(parent.id());
    assertThat(child.forgottenSubjects()).containsExactlyElementsOf(forget);
    assertThat(child.parametersSha256()).isNotEqualTo(parent.parametersSha256());
    assertThat(v2.outcome().steps()).isPositive();

    try (LoadedCheckpoint loaded = Checkpoints.load(dir.resolve("v2"));
        NDManager m = loaded.classifier().manager().newSubManager()) {
      float[] engine = eval(loaded.classifier(), m);
      // parameters.bin of a TorchScript checkpoint is the module: plain DJL (as torch.jit.load)
      // reads it and, fed normalised pixels, predicts exactly what the engine predicts
      Path export = dir.resolve("export");
      Files.createDirectories(export);
      Files.copy(dir.resolve("v2").resolve(Checkpoints.PARAMETERS_FILE), export.resolve("m.pt"));
      try (Model plain = Model.newInstance("plain", "PyTorch")) {
        plain.load(export, "m", Map.of());
        NDArray x =
            InputNormalizer.apply(
                child.torchScriptDescriptor().normalization(),
                new TorchScriptFixture().pixels(plain.getNDManager()));
        NDList out =
            plain
                .getBlock()
                .forward(new ParameterStore(plain.getNDManager(), false), new NDList(x), false);
        assertThat(out.get(0).toFloatArray()).containsExactly(engine);
      }
      // and it is not the original's prediction any more
      try (Classifier before = fixture("model")) {
        assertThat(eval(before, before.manager())).isNotEqualTo(engine);
      }
      UnlearningEvaluator.Evaluation e =
          new UnlearningEvaluator(64, 1)
              .evaluate(
                  loaded.classifier(),
                  dataset,
                  Indices.ofSplit(dataset, Split.TEST),
                  data.forget(),
                  data.unseen(),
                  ProgressListener.NONE);
      // 10 classes: a model that learned something is well above chance even after unlearning
      assertThat(e.report().testAccuracy()).isBetween(0.3, 1.0);
      assertThat(e.report().mia().accuracy()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void dlfdOnTheNamedFeatureOutputChangesTheModel() {
    try (Classifier model = fixture("features");
        NDManager m = model.manager().newSubManager()) {
      float[] before = eval(model, m);
      new Dlfd(dlfd().optFeatureSource(FeatureSource.EMBEDDING).build())
          .unlearn(model, data, ProgressListener.NONE);
      assertThat(eval(model, m)).isNotEqualTo(before);
    }
  }

  @Test
  void dlfdOnTheEmbeddingOfALogitsOnlyModuleIsRefusedClearly() {
    try (Classifier model = fixture("model")) {
      assertThatThrownBy(
              () ->
                  new Dlfd(dlfd().optFeatureSource(FeatureSource.EMBEDDING).build())
                      .unlearn(model, data, ProgressListener.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no featuresOutput");
    }
  }

  @Test
  void baselinesRunOnATorchScriptModel() {
    for (String name : new String[] {"finetune", "neggrad", "scrub", "unsir"}) {
      try (Classifier model = fixture("model");
          NDManager m = model.manager().newSubManager()) {
        float[] before = eval(model, m);
        UnlearningOutcome outcome =
            UnlearningMethods.byName(name, Map.of("epochs", 1))
                .unlearn(model, data, ProgressListener.NONE);
        assertThat(outcome.steps()).as(name).isPositive();
        assertThat(eval(model, m)).as(name).isNotEqualTo(before);
      }
    }
  }

  @Test
  void methodsNeedingTheEnginesLayersSayTheyAreNotSupported() {
    for (String name : new String[] {LastBlocks.CF_K, "eu-k", "bad-teaching"}) {
      try (Classifier model = fixture("model")) {
        assertThatThrownBy(
                () ->
                    UnlearningMethods.byName(name, Map.of())
                        .unlearn(model, data, ProgressListener.NONE))
            .as(name)
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("not supported for TorchScript models");
      }
    }
  }
}
