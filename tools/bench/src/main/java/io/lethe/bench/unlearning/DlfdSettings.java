package io.lethe.bench.unlearning;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.registry.MethodRegistry;
import io.lethe.engine.unlearn.registry.SettingException;
import java.util.Map;

/**
 * DLFD's configuration from flat settings: the engine's {@link MethodRegistry#DLFD} keys (named as
 * {@link DlfdConfig#describe()}, {@code alpha} an alias of {@code stepSize}), with the utility
 * guard on unless switched off, and the variant's components on top. Unknown keys are rejected so a
 * typo in a grid cannot silently fall back to a default.
 */
final class DlfdSettings {
  private DlfdSettings() {}

  static DlfdConfig config(DlfdVariant variant, Map<String, ?> settings) {
    DlfdConfig.Builder b = DlfdConfig.builder().optUtilityGuard(UtilityGuardConfig.defaults(true));
    try {
      MethodRegistry.DLFD.apply(b, settings);
    } catch (SettingException e) {
      if (!e.wrongType()) {
        throw e;
      }
      throw new IllegalArgumentException(
          "dlfd setting " + e.key() + " must be " + e.expected() + ", got " + e.value(), e);
    }
    return MethodRegistry.DLFD.finish(variant.apply(b));
  }
}
