package io.lethe.engine.unlearn.registry;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.UtilityGuardConfig.Keys;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The utility guard's keys ({@link UtilityGuardConfig#describe()}), for every method that can take
 * utility down: DLFD, NegGrad, UNSIR, Bad Teaching and SCRUB.
 *
 * @param <B> the builder holding the guard
 */
final class GuardSettings<B> {
  private final Function<B, UtilityGuardConfig> get;
  private final BiConsumer<B, UtilityGuardConfig> set;

  private GuardSettings(
      Function<B, UtilityGuardConfig> get, BiConsumer<B, UtilityGuardConfig> set) {
    this.get = get;
    this.set = set;
  }

  /**
   * @param get the builder's guard as set so far
   * @param set replaces the builder's guard
   */
  static <B> List<Setting<B>> of(
      Function<B, UtilityGuardConfig> get, BiConsumer<B, UtilityGuardConfig> set) {
    GuardSettings<B> g = new GuardSettings<>(get, set);
    return List.of(
        Setting.bool(Keys.ENABLED, "switch the guard on", g.with(UtilityGuardConfig::withEnabled)),
        Setting.number(Keys.MARGIN, "accuracy it may lose", g.with(UtilityGuardConfig::withMargin)),
        Setting.integer(Keys.SLICE, "samples watched", g.with(UtilityGuardConfig::withSliceSize)),
        Setting.number(
            Keys.SLICE_FRACTION,
            "retain share watched",
            g.with(UtilityGuardConfig::withSliceFraction)),
        Setting.integer(
            Keys.EVERY, "batches per check", g.with(UtilityGuardConfig::withCheckEvery)),
        Setting.integer(
            Keys.BRAKES, "brakes before a stop", g.with(UtilityGuardConfig::withMaxBrakes)));
  }

  /** Applies a value by changing the builder's guard with {@code change}. */
  private <V> BiConsumer<B, V> with(BiFunction<UtilityGuardConfig, V, UtilityGuardConfig> change) {
    return (b, v) -> set.accept(b, change.apply(get.apply(b), v));
  }
}
