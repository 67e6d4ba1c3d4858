package io.lethe.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import io.lethe.intake.core.ModelCatalog.Affected;
import io.lethe.intake.core.ModelCatalog.Resolution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonModelCatalogTest {
  static final String SHA_A = "sha256:" + "a".repeat(64);
  static final String SHA_B = "sha256:" + "b".repeat(64);

  static final String CATALOG =
      """
      {
        "models": {
          "faces-resnet18": {"baseVersion": 3, "datasetId": "faces"},
          "faces-cnn": {"baseVersion": 1, "datasetId": "faces"},
          "voices-cnn": {"baseVersion": 7, "datasetId": "voices"}
        },
        "datasets": {
          "faces": {"version": "%s", "subjects": {
            "s-1": ["f/1b.png", "f/1a.png"], "s-2": ["f/2.png"]}},
          "voices": {"version": "%s", "subjects": {"s-2": ["v/2.wav"], "s-3": ["v/3.wav"]}}
        }
      }
      """
          .formatted(SHA_A, SHA_B);

  private final JsonModelCatalog catalog = JsonModelCatalog.parse(CATALOG);

  @Test
  void resolvesSubjectsToEveryModelTrainedOnThem() {
    Resolution r = catalog.resolve(List.of("s-2", "s-1"), null);

    assertThat(r.affected())
        .extracting(a -> a.model().modelId())
        .containsExactly("faces-cnn", "faces-resnet18", "voices-cnn");
    Affected resnet = r.affected().get(1);
    assertThat(resnet.model().baseVersion()).isEqualTo(3);
    assertThat(resnet.model().datasetVersion()).isEqualTo(SHA_A);
    assertThat(resnet.samplesBySubject())
        .containsExactly(
            Map.entry("s-1", List.of("f/1a.png", "f/1b.png")),
            Map.entry("s-2", List.of("f/2.png")));
    assertThat(r.affected().get(2).samplesBySubject()).containsOnlyKeys("s-2");
    assertThat(r.unknownSubjectIds()).isEmpty();
  }

  @Test
  void reportsSubjectsNoModelKnows() {
    Resolution r = catalog.resolve(List.of("s-3", "nobody", "ghost"), null);

    assertThat(r.affected()).extracting(a -> a.model().modelId()).containsExactly("voices-cnn");
    assertThat(r.unknownSubjectIds()).containsExactly("ghost", "nobody");
  }

  @Test
  void modelIdsRestrictTheSearch() {
    Resolution r = catalog.resolve(List.of("s-1", "s-3"), List.of("faces-cnn"));

    assertThat(r.affected()).extracting(a -> a.model().modelId()).containsExactly("faces-cnn");
    assertThat(r.unknownSubjectIds()).containsExactly("s-3");
  }

  @Test
  void loadsFromAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("catalog.json"), CATALOG);

    assertThat(JsonModelCatalog.load(file).modelIds())
        .containsExactly("faces-cnn", "faces-resnet18", "voices-cnn");
  }

  @Test
  void rejectsABrokenCatalogSayingWhere(@TempDir Path dir) throws Exception {
    assertThatThrownBy(
            () ->
                JsonModelCatalog.parse(
                    CATALOG.replace("\"datasetId\": \"voices\"", "\"datasetId\": \"x\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("$.models.voices-cnn.datasetId");
    assertThatThrownBy(() -> JsonModelCatalog.parse(CATALOG.replace(SHA_B, "md5:1")))
        .hasMessageContaining("$.datasets.voices.version");
    assertThatThrownBy(
            () ->
                JsonModelCatalog.parse(CATALOG.replace("\"baseVersion\": 7", "\"baseVersion\": 0")))
        .hasMessageContaining("baseVersion");
    assertThatThrownBy(() -> JsonModelCatalog.parse(CATALOG.replace("[\"v/3.wav\"]", "[]")))
        .hasMessageContaining("s-3");
    Path file = Files.writeString(dir.resolve("bad.json"), "{not json");
    assertThatThrownBy(() -> JsonModelCatalog.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString());
    assertThatThrownBy(() -> JsonModelCatalog.load(dir.resolve("missing.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing.json");
  }
}
