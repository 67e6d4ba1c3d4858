package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelKeysTest {
  @Test
  void laysOutAVersionUnderItsModel() {
    assertThat(ModelKeys.object("mnist-cnn", 12, ModelKeys.MANIFEST))
        .isEqualTo("models/mnist-cnn/v12/manifest.json");
    assertThat(ModelKeys.alias("mnist-cnn", "production"))
        .isEqualTo("models/mnist-cnn/aliases/production.json");
  }

  @Test
  void parsesVersionsOnlyFromVersionKeys() {
    assertThat(ModelKeys.version("models/m/v12/parameters.bin")).hasValue(12);
    assertThat(ModelKeys.version("models/m/aliases/production.json")).isEmpty();
    assertThat(ModelKeys.version("models/m/v0/manifest.json")).isEmpty();
    assertThat(ModelKeys.version("models/m/v99999999999/manifest.json")).isEmpty();
    assertThat(ModelKeys.isManifest("models/m/v3/manifest.json")).isTrue();
    assertThat(ModelKeys.isManifest("models/m/v3/checkpoint.json")).isFalse();
  }

  @Test
  void aliasEntriesSortByTheirNumberAndAreNotVersions() {
    String prefix = ModelKeys.aliasEntries("m", "production");
    assertThat(prefix).isEqualTo("models/m/aliases/production/");
    assertThat(ModelKeys.aliasEntry("m", "production", 7))
        .isEqualTo("models/m/aliases/production/0000000007.json");
    assertThat(ModelKeys.aliasEntry("m", "production", 10))
        .isGreaterThan(ModelKeys.aliasEntry("m", "production", 9));
    assertThat(ModelKeys.aliasSeq(prefix, ModelKeys.aliasEntry("m", "production", 12)))
        .hasValue(12);
    assertThat(ModelKeys.aliasSeq(prefix, prefix + "12.json")).isEmpty();
    assertThat(ModelKeys.aliasSeq(prefix, prefix + "0000000000.json")).isEmpty();
    assertThat(ModelKeys.aliasSeq(prefix, "models/m/aliases/staging/0000000001.json")).isEmpty();
    assertThat(ModelKeys.version(ModelKeys.aliasEntry("m", "production", 1))).isEmpty();
  }

  @Test
  void honouredRequestRecordsAreNeitherVersionsNorAliasesAndRefuseUnsafeIds() {
    String key = ModelKeys.honoured("m", "fr-01:x.y");
    assertThat(key).isEqualTo("models/m/honoured/fr-01:x.y.json");
    assertThat(ModelKeys.honouredRequestId("m", key)).hasValue("fr-01:x.y");
    assertThat(ModelKeys.honouredRequestId("other", key)).isEmpty();
    assertThat(ModelKeys.honouredRequestId("m", "models/m/honoured/a/b.json")).isEmpty();
    assertThat(ModelKeys.version(ModelKeys.honoured("m", "v1"))).isEmpty();
    assertThat(ModelKeys.isManifest(ModelKeys.honoured("m", "manifest"))).isFalse();
    for (String bad : new String[] {"", "a/b", "../x", "-x", "x".repeat(129)}) {
      assertThatThrownBy(() -> ModelKeys.honoured("m", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("requestId '");
    }
  }

  @Test
  void refusesNamesThatCouldEscapeTheirPrefix() {
    assertThat(ModelKeys.requireName("mufac-resnet18", "modelId")).isEqualTo("mufac-resnet18");
    for (String bad : new String[] {"", "a/b", "..", "Upper", "-x", "x".repeat(65)}) {
      assertThatThrownBy(() -> ModelKeys.requireName(bad, "modelId"))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("modelId '");
    }
  }
}
