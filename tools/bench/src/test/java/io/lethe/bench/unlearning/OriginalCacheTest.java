package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.training.SupervisedTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginalCacheTest {
  @TempDir Path dir;

  private static Map<String, Object> key(int epochs) {
    Map<String, Object> recipe = new LinkedHashMap<>();
    recipe.put("epochs", epochs);
    recipe.put("learningRate", 0.01);
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("arch", "resnet18");
    key.put("recipe", recipe);
    key.put("trainIndicesSha256", OriginalCache.indicesDigest(new int[] {3, 1, 2}));
    return key;
  }

  private final SupervisedTrainer.TrainingSummary summary =
      new SupervisedTrainer.TrainingSummary(20, 700, 0.012, 291.5);

  @Test
  void anOriginalStoredUnderAKeyComesBackWithItsTrainingSummary() {
    OriginalCache cache = new OriginalCache(dir);
    cache.store(key(20), new byte[] {1, 2, 3}, summary);

    OriginalCache.Entry entry = new OriginalCache(dir).load(key(20)).orElseThrow();

    assertThat(entry.parameters()).containsExactly(1, 2, 3);
    assertThat(entry.summary()).isEqualTo(summary);
  }

  @Test
  void anyDifferenceInTheKeyMisses() {
    OriginalCache cache = new OriginalCache(dir);
    cache.store(key(20), new byte[] {1}, summary);

    assertThat(cache.load(key(21))).isEmpty();
    Map<String, Object> otherIndices = key(20);
    otherIndices.put("trainIndicesSha256", OriginalCache.indicesDigest(new int[] {1, 2, 3}));
    assertThat(cache.load(otherIndices)).isEmpty();
  }

  @Test
  void aCorruptedParameterFileIsRefusedRatherThanUsed() throws Exception {
    OriginalCache cache = new OriginalCache(dir);
    cache.store(key(20), new byte[] {1, 2, 3}, summary);
    Files.write(dir.resolve(OriginalCache.stem(key(20)) + ".params"), new byte[] {1, 2, 4});

    assertThatThrownBy(() -> cache.load(key(20)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SHA-256")
        .hasMessageContaining("delete it");
  }

  @Test
  void theKeysFieldOrderDoesNotChangeItsHash() {
    Map<String, Object> reordered = new LinkedHashMap<>();
    Map<String, Object> k = key(20);
    reordered.put("trainIndicesSha256", k.get("trainIndicesSha256"));
    reordered.put("recipe", k.get("recipe"));
    reordered.put("arch", k.get("arch"));

    assertThat(OriginalCache.stem(reordered)).isEqualTo(OriginalCache.stem(k));
  }
}
