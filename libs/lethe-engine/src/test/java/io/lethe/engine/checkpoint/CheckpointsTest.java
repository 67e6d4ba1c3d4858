package io.lethe.engine.checkpoint;

import static io.lethe.engine.checkpoint.CheckpointFixtures.LABELS;
import static io.lethe.engine.checkpoint.CheckpointFixtures.SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lethe.engine.model.Classifier;
import io.lethe.format.checkpoint.CheckpointException;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.checkpoint.Sha256;
import io.lethe.format.model.Architecture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  @TempDir Path tmp;

  private CheckpointManifest saveFresh(Path dir) {
    try (Classifier c = Classifier.create(SPEC, LABELS, 7)) {
      return Checkpoints.save(dir, c, CheckpointFixtures.trainManifest());
    }
  }

  @Test
  void roundTripGivesIdenticalParametersAndPredictions() {
    Path dir = tmp.resolve("ckpt");
    try (Classifier original = Classifier.create(SPEC, LABELS, 7);
        NDManager manager = NDManager.newBaseManager()) {
      CheckpointManifest saved =
          Checkpoints.save(dir, original, CheckpointFixtures.trainManifest());
      NDArray input = manager.randomUniform(0f, 1f, new Shape(4, 1, 28, 28));

      try (LoadedCheckpoint loaded = Checkpoints.load(dir)) {
        assertThat(loaded.manifest()).isEqualTo(saved);
        assertThat(loaded.classifier().parameterBytes()).isEqualTo(original.parameterBytes());
        assertThat(loaded.classifier().spec()).isEqualTo(SPEC);
        assertThat(loaded.classifier().labels()).isEqualTo(LABELS);
        float[] expected = original.predict(input).get(0).toFloatArray();
        float[] actual = loaded.classifier().predict(input).get(0).toFloatArray();
        assertThat(actual).hasSize(40).containsExactly(expected);
      }
    }
  }

  @Test
  void saveLeavesOnlyManifestAndParameters() throws IOException {
    Path dir = tmp.resolve("ckpt");
    CheckpointManifest saved = saveFresh(dir);

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(Checkpoints.MANIFEST_FILE, Checkpoints.PARAMETERS_FILE);
    }
    assertThat(Files.size(dir.resolve(Checkpoints.PARAMETERS_FILE)))
        .isEqualTo(saved.parametersBytes());
    assertThat(Checkpoints.readManifest(dir)).isEqualTo(saved);
  }

  @Test
  void saveRefusesADirectoryThatHoldsACheckpoint() {
    Path dir = tmp.resolve("ckpt");
    saveFresh(dir);

    assertThatThrownBy(() -> saveFresh(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("already holds a checkpoint");
  }

  @Test
  void tamperedParametersAreRefusedWithBothHashes() throws IOException {
    Path dir = tmp.resolve("ckpt");
    CheckpointManifest saved = saveFresh(dir);
    Path parameters = dir.resolve(Checkpoints.PARAMETERS_FILE);
    byte[] bytes = Files.readAllBytes(parameters);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(parameters, bytes);

    assertThatThrownBy(() -> Checkpoints.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(
            "checkpoint " + saved.id() + ": parameters.bin sha256 " + Sha256.of(bytes))
        .hasMessageContaining("does not match manifest " + saved.parametersSha256());
  }

  @Test
  void restoreFromBytesVerifiesTheHash() {
    Path dir = tmp.resolve("ckpt");
    try (Classifier original = Classifier.create(SPEC, LABELS, 7)) {
      CheckpointManifest saved =
          Checkpoints.save(dir, original, CheckpointFixtures.trainManifest());
      byte[] bytes = original.parameterBytes();
      try (Classifier restored = Checkpoints.restore(saved, bytes)) {
        assertThat(restored.parameterBytes()).isEqualTo(bytes);
      }
      byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);

      assertThatThrownBy(() -> Checkpoints.restore(saved, truncated))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("parameters sha256")
          .hasMessageContaining("does not match manifest " + saved.parametersSha256());
    }
  }

  @Test
  void architectureMismatchNamesBoth() throws IOException {
    Path dir = tmp.resolve("ckpt");
    saveFresh(dir);
    Path manifest = dir.resolve(Checkpoints.MANIFEST_FILE);
    String json = Files.readString(manifest);
    Files.writeString(
        manifest,
        json.replace("\"architecture\" : \"small-cnn\"", "\"architecture\" : \"resnet18\""));

    assertThatThrownBy(() -> Checkpoints.load(dir, Architecture.SMALL_CNN))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("is a resnet18 model, but a small-cnn model was expected");
  }

  @Test
  void expectedArchitectureIsAccepted() {
    Path dir = tmp.resolve("ckpt");
    saveFresh(dir);

    try (LoadedCheckpoint loaded = Checkpoints.load(dir, Architecture.SMALL_CNN)) {
      assertThat(loaded.classifier().spec().architecture()).isEqualTo(Architecture.SMALL_CNN);
    }
  }

  @Test
  void datasetFingerprintMismatchNamesBoth() {
    Path dir = tmp.resolve("ckpt");
    saveFresh(dir);
    String other = "sha256:" + "cd".repeat(32);
    CheckpointRequirements requirements =
        CheckpointRequirements.builder().optDatasetFingerprint(other).build();

    assertThatThrownBy(() -> Checkpoints.load(dir, requirements))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(CheckpointFixtures.FINGERPRINT)
        .hasMessageContaining(other);
  }

  @Test
  void missingManifestNamesThePath() throws IOException {
    Path dir = tmp.resolve("ckpt");
    saveFresh(dir);
    Files.delete(dir.resolve(Checkpoints.MANIFEST_FILE));

    assertThatThrownBy(() -> Checkpoints.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(dir.resolve(Checkpoints.MANIFEST_FILE).toString())
        .hasMessageContaining("save did not finish");
  }

  @Test
  void missingDirectoryIsNamed() {
    Path dir = tmp.resolve("nowhere");

    assertThatThrownBy(() -> Checkpoints.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(dir + " does not exist");
  }

  @Test
  void corruptedManifestNamesThePath() throws IOException {
    Path dir = tmp.resolve("ckpt");
    saveFresh(dir);
    Path manifest = dir.resolve(Checkpoints.MANIFEST_FILE);
    Files.write(manifest, "{\"formatVersion\": 1, \"id\": ".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> Checkpoints.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void missingParametersNamesThePath() throws IOException {
    Path dir = tmp.resolve("ckpt");
    CheckpointManifest saved = saveFresh(dir);
    Path parameters = dir.resolve(Checkpoints.PARAMETERS_FILE);
    Files.delete(parameters);

    assertThatThrownBy(() -> Checkpoints.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("checkpoint " + saved.id())
        .hasMessageContaining(parameters.toString());
  }
}
