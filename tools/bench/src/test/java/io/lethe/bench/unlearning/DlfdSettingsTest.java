package io.lethe.bench.unlearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.registry.MethodRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DlfdSettingsTest {
  /** The benchmark's keys are the engine registry's: every one is accepted, no other. */
  @Test
  void acceptsEveryKeyOfTheEnginesRegistry() {
    Map<String, Object> values = new HashMap<>(DlfdConfig.builder().build().describe());
    values.put("alpha", 0.002);
    values.put("relativeThreshold", 0.5);
    values.put("cleanReadingsPerEpoch", 5);
    for (String key : MethodRegistry.DLFD.keys()) {
      assertThat(values).as(key).containsKey(key);
      DlfdSettings.config(DlfdVariant.FULL, Map.of(key, String.valueOf(values.get(key))));
    }
    assertThatThrownBy(() -> DlfdSettings.config(DlfdVariant.FULL, Map.of("momentun", 0.9)))
        .hasMessageContaining("[momentun]")
        .hasMessageContaining("momentum");
    assertThat(DlfdSettings.config(DlfdVariant.FULL, Map.of("momentum", "0.5")).momentum())
        .isEqualTo(0.5f);
  }
}
