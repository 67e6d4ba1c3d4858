package io.lethe.engine.checkpoint;

import static io.lethe.engine.checkpoint.CheckpointFixtures.DATASET;
import static io.lethe.engine.checkpoint.CheckpointFixtures.LABELS;
import static io.lethe.engine.checkpoint.CheckpointFixtures.SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.training.TrainingRecipe;
import io.lethe.format.checkpoint.CheckpointException;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.checkpoint.Sha256;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelFormat;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.TorchScriptDescriptor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointManifestTest {
  private static final byte[] PARAMETERS = "some parameters".getBytes(StandardCharsets.UTF_8);

  private static CheckpointManifest parent() {
    return CheckpointFixtures.trainManifest().optId("parent-1").build(SPEC, LABELS, new byte[] {1});
  }

  private static CheckpointManifest unlearned() {
    Map<String, Object> hyper = new LinkedHashMap<>(TrainingRecipe.builder().build().describe());
    hyper.put("schedule", List.of(1, 2L, 3.5f));
    hyper.put("nested", Map.of("lambda", 0.25, "enabled", true));
    return CheckpointManifest.builder("dlfd", DATASET)
        .optId("child-1")
        .optCreatedAt(Instant.parse("2025-01-31T12:00:00.123Z"))
        .optParent(parent())
        .optHyperparameters(hyper)
        .optForgottenSubjects(List.of("s9", "s1", "s5", "s1"))
        .build(SPEC, LABELS, PARAMETERS);
  }

  @Test
  void jsonRoundTripIsLossless() {
    CheckpointManifest m = unlearned();

    CheckpointManifest back = CheckpointManifest.fromJson(m.toJson());

    assertThat(back).isEqualTo(m);
    assertThat(back.toJson()).isEqualTo(m.toJson());
    assertThat(back.hyperparameters()).containsEntry("learningRate", 0.05);
    assertThat(back.parent())
        .isEqualTo(new CheckpointManifest.Parent("parent-1", parent().parametersSha256()));
  }

  @Test
  void originalModelHasNullParentInJson() {
    CheckpointManifest m = CheckpointFixtures.trainManifest().build(SPEC, LABELS, PARAMETERS);

    assertThat(m.toJson()).contains("\"parent\" : null").contains("\"formatVersion\" : 1");
    assertThat(CheckpointManifest.fromJson(m.toJson())).isEqualTo(m);
  }

  @Test
  void buildRecordsHashSizeModelAndLabels() {
    CheckpointManifest m = unlearned();

    assertThat(m.parametersSha256()).isEqualTo(Sha256.of(PARAMETERS)).startsWith("sha256:");
    assertThat(m.parametersBytes()).isEqualTo(PARAMETERS.length);
    assertThat(m.architecture()).isEqualTo("small-cnn");
    assertThat(m.modelSpec()).isEqualTo(SPEC);
    assertThat(m.labelSchema()).isEqualTo(LABELS);
    assertThat(m.createdAt()).isEqualTo("2025-01-31T12:00:00.123Z");
  }

  @Test
  void forgottenSubjectsAreSortedAndDistinct() {
    assertThat(unlearned().forgottenSubjects()).containsExactly("s1", "s5", "s9");
  }

  @Test
  void defaultIdsAreFreshPerBuild() {
    CheckpointManifest.Builder b = CheckpointFixtures.trainManifest();

    assertThat(b.build(SPEC, LABELS, PARAMETERS).id())
        .isNotEqualTo(b.build(SPEC, LABELS, PARAMETERS).id());
  }

  @Test
  void unsupportedFormatVersionIsRefused() {
    String json = unlearned().toJson().replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");

    assertThatThrownBy(() -> CheckpointManifest.fromJson(json))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("unsupported checkpoint manifest formatVersion 2")
        .hasMessageContaining("reads version 1");
  }

  @Test
  void malformedJsonIsRefused() {
    String json = unlearned().toJson();
    String truncated = json.substring(0, json.length() / 2);

    assertThatThrownBy(() -> CheckpointManifest.fromJson(truncated))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void manifestsWrittenBeforeTheFormatFieldReadAsLethe() {
    String json = unlearned().toJson().replace("  \"format\" : \"lethe\",\n", "");
    assertThat(json).doesNotContain("\"format\"");

    CheckpointManifest m = CheckpointManifest.fromJson(json);

    assertThat(m.modelFormat()).isEqualTo(ModelFormat.LETHE);
    assertThat(m).isEqualTo(unlearned());
    assertThat(unlearned().toJson())
        .contains("\"format\" : \"lethe\"")
        .doesNotContain("featuresOutput");
  }

  @Test
  void torchScriptManifestKeepsItsDescriptor() {
    ModelSpec spec =
        new ModelSpec(Architecture.TORCHSCRIPT, 1, 28, 10, SPEC.normalization(), false);
    TorchScriptDescriptor d = TorchScriptDescriptor.of(spec, LABELS, 1);
    CheckpointManifest m =
        CheckpointManifest.fromJson(
            CheckpointFixtures.trainManifest()
                .build(spec, LABELS, PARAMETERS)
                .toJson()
                .replace("\"labels\"", "\"featuresOutput\" : 1,\n  \"labels\""));

    assertThat(m.modelFormat()).isEqualTo(ModelFormat.TORCHSCRIPT);
    assertThat(m.torchScriptDescriptor()).isEqualTo(d);
    assertThat(CheckpointManifest.fromJson(m.toJson())).isEqualTo(m);
  }

  @Test
  void formatThatDoesNotFitTheArchitectureIsRefused() {
    String json =
        unlearned().toJson().replace("\"format\" : \"lethe\"", "\"format\" : \"torchscript\"");
    String unknown =
        unlearned().toJson().replace("\"format\" : \"lethe\"", "\"format\" : \"onnx\"");

    assertThatThrownBy(() -> CheckpointManifest.fromJson(json))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("does not fit architecture 'small-cnn'");
    assertThatThrownBy(() -> CheckpointManifest.fromJson(unknown))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("unknown model format 'onnx'");
  }

  @Test
  void missingFieldIsNamed() {
    String json = unlearned().toJson().replaceAll("\"parametersBytes\" : \\d+", "\"x\" : 0");

    assertThatThrownBy(() -> CheckpointManifest.fromJson(json))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("parametersBytes");
  }

  @Test
  void fieldOfWrongTypeIsNamed() {
    String json = unlearned().toJson().replace("\"side\" : 28", "\"side\" : \"big\"");

    assertThatThrownBy(() -> CheckpointManifest.fromJson(json))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("at side");
  }

  @Test
  void labelsThatDoNotMatchTheOutputsAreRefused() {
    String json = unlearned().toJson().replace("\"numOutputs\" : 10", "\"numOutputs\" : 7");

    assertThatThrownBy(() -> CheckpointManifest.fromJson(json))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("7 outputs")
        .hasMessageContaining("10 labels");
  }

  @Test
  void malformedParameterHashIsRefused() {
    String json = unlearned().toJson().replace(Sha256.of(PARAMETERS), "sha256:beef");

    assertThatThrownBy(() -> CheckpointManifest.fromJson(json))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("sha256:beef");
  }

  @Test
  void hyperparameterOfUnsupportedTypeIsNamed() {
    CheckpointManifest.Builder b = CheckpointFixtures.trainManifest();

    assertThatThrownBy(() -> b.optHyperparameters(Map.of("weights", new float[] {1f})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hyperparameters.weights");
  }

  @Test
  void nonFiniteHyperparameterIsRefused() {
    CheckpointManifest.Builder b = CheckpointFixtures.trainManifest();

    assertThatThrownBy(() -> b.optHyperparameters(Map.of("lr", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hyperparameters.lr");
  }
}
