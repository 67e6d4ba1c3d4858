package io.lethe.engine.unlearn.registry;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.UtilityGuardConfig.Keys;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The utility guard's keys ({@link UtilityGuardConfig#describe()}), for every method that can take
 * utility down: DLFD, NegGrad, UNSIR, Bad Teaching and SCRUB.
 */
final class GuardSettings {
  private GuardSettings() {}

  /**
   * @param get the builder's guard as set so far
   * @param set replaces the builder's guard
   */
  static <B> List<Setting<B>> of(
      Function<B, UtilityGuardConfig> get, BiConsumer<B, UtilityGuardConfig> set) {
    return List.of(
        Setting.<B>bool(
            Keys.ENABLED,
            "switch the utility guard on",
            (b, v) -> update(b, get, set, g -> g.withEnabled(v))),
        Setting.<B>number(
            Keys.MARGIN,
            "absolute accuracy the run may lose on the watched slice",
            (b, v) -> update(b, get, set, g -> g.withMargin(v))),
        Setting.<B>integer(
            Keys.SLICE,
            "at most this many retain samples held out and watched",
            (b, v) -> update(b, get, set, g -> g.withSliceSize(v))),
        Setting.<B>number(
            Keys.SLICE_FRACTION,
            "at most this share of the retain set held out",
            (b, v) -> update(b, get, set, g -> g.withSliceFraction(v))),
        Setting.<B>integer(
            Keys.EVERY,
            "batches between checks",
            (b, v) -> update(b, get, set, g -> g.withCheckEvery(v))),
        Setting.<B>integer(
            Keys.BRAKES,
            "brakes (roll back, halve the step) before a breach stops the run",
            (b, v) -> update(b, get, set, g -> g.withMaxBrakes(v))));
  }

  private static <B> void update(
      B builder,
      Function<B, UtilityGuardConfig> get,
      BiConsumer<B, UtilityGuardConfig> set,
      UnaryOperator<UtilityGuardConfig> change) {
    set.accept(builder, change.apply(get.apply(builder)));
  }
}
