package io.lethe.engine.unlearn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the {@link UtilityGuard}: how far utility may fall below the parent's before an
 * unlearning run is braked and then stopped, on which data it is watched and how often.
 *
 * <p>Cost: a slice of at most {@code sliceSize} retain samples is held out of the run (the method
 * never trains on it), one eval forward over the slice is taken before the run and every {@code
 * checkEvery} optimiser steps, and the parameters are copied once per check that passes (the state
 * to fall back to). With the defaults on a 32-sample batch, the checks add about 256 / (32 × 10) ≈
 * 0.8 eval forwards per training step, i.e. roughly a quarter of a training step's cost for a plain
 * method, far less for DLFD (15 perturbation forwards and backwards per step).
 *
 * @param enabled whether the guard runs at all
 * @param margin absolute accuracy: the run breaks the margin when its accuracy on the slice falls
 *     more than this below the parent's accuracy on the same slice
 * @param sliceSize at most this many retain samples are held out for the guard
 * @param sliceFraction ... and at most this fraction of the retain set
 * @param checkEvery optimiser steps between checks (fewer on short runs: {@link
 *     #MIN_CHECKS_PER_RUN})
 * @param maxBrakes how many times the guard may brake (roll back to the last state within the
 *     margin and halve the method's step) before a further breach stops the run
 */
public record UtilityGuardConfig(
    boolean enabled,
    double margin,
    int sliceSize,
    double sliceFraction,
    int checkEvery,
    int maxBrakes) {
  public static final double DEFAULT_MARGIN = 0.05;
  public static final int DEFAULT_SLICE_SIZE = 256;
  public static final double DEFAULT_SLICE_FRACTION = 0.1;
  public static final int DEFAULT_CHECK_EVERY = 10;
  public static final int DEFAULT_MAX_BRAKES = 2;

  /** Below this many slice samples one sample moves accuracy by more than the default margin/2. */
  public static final int MIN_SLICE = 16;

  /**
   * A run of few steps is checked at least this many times: the interval is {@code checkEvery} or
   * {@code steps / 4}, whichever is smaller. Why: a 450-image set gives DLFD 10 batches, and a
   * single check at the 10th would catch a breach only when nothing of the run is left to keep.
   */
  public static final int MIN_CHECKS_PER_RUN = 4;

  /** Each brake multiplies the method's step (DLFD's α, a baseline's learning rate) by this. */
  public static final double BRAKE_FACTOR = 0.5;

  public UtilityGuardConfig {
    if (!(margin >= 0 && margin <= 1)) {
      throw new IllegalArgumentException("guard margin must be in [0,1], got " + margin);
    }
    if (sliceSize < MIN_SLICE) {
      throw new IllegalArgumentException(
          "guard slice must be at least " + MIN_SLICE + " samples, got " + sliceSize);
    }
    if (!(sliceFraction > 0 && sliceFraction < 1)) {
      throw new IllegalArgumentException(
          "guard slice fraction must be in (0,1), got " + sliceFraction);
    }
    if (checkEvery < 1) {
      throw new IllegalArgumentException("guard check interval must be >= 1, got " + checkEvery);
    }
    if (maxBrakes < 0) {
      throw new IllegalArgumentException("guard brakes must be >= 0, got " + maxBrakes);
    }
  }

  /** The defaults above, on or off. */
  public static UtilityGuardConfig defaults(boolean enabled) {
    return new UtilityGuardConfig(
        enabled,
        DEFAULT_MARGIN,
        DEFAULT_SLICE_SIZE,
        DEFAULT_SLICE_FRACTION,
        DEFAULT_CHECK_EVERY,
        DEFAULT_MAX_BRAKES);
  }

  public UtilityGuardConfig withEnabled(boolean v) {
    return new UtilityGuardConfig(v, margin, sliceSize, sliceFraction, checkEvery, maxBrakes);
  }

  public UtilityGuardConfig withMargin(double v) {
    return new UtilityGuardConfig(enabled, v, sliceSize, sliceFraction, checkEvery, maxBrakes);
  }

  public UtilityGuardConfig withSliceSize(int v) {
    return new UtilityGuardConfig(enabled, margin, v, sliceFraction, checkEvery, maxBrakes);
  }

  public UtilityGuardConfig withSliceFraction(double v) {
    return new UtilityGuardConfig(enabled, margin, sliceSize, v, checkEvery, maxBrakes);
  }

  public UtilityGuardConfig withCheckEvery(int v) {
    return new UtilityGuardConfig(enabled, margin, sliceSize, sliceFraction, v, maxBrakes);
  }

  public UtilityGuardConfig withMaxBrakes(int v) {
    return new UtilityGuardConfig(enabled, margin, sliceSize, sliceFraction, checkEvery, v);
  }

  /** Steps between checks in a run of {@code steps} optimiser steps. */
  public int intervalFor(long steps) {
    return (int) Math.max(1, Math.min(checkEvery, steps / MIN_CHECKS_PER_RUN));
  }

  /** Samples held out of a retain set of {@code retain} samples; 0 = too small to guard. */
  public int sliceFor(int retain) {
    int n = Math.min(sliceSize, (int) Math.floor(sliceFraction * retain));
    return n < MIN_SLICE ? 0 : n;
  }

  /**
   * The settings under their flat keys ({@code guard}, {@code guardMargin}, ...), for checkpoint
   * manifests; the same keys every flat settings mapping reads.
   */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(Keys.ENABLED, enabled);
    m.put(Keys.MARGIN, margin);
    m.put(Keys.SLICE, sliceSize);
    m.put(Keys.SLICE_FRACTION, sliceFraction);
    m.put(Keys.EVERY, checkEvery);
    m.put(Keys.BRAKES, maxBrakes);
    return m;
  }

  /** The flat setting names of the guard, shared by every mapping. */
  public static final class Keys {
    public static final String ENABLED = "guard";
    public static final String MARGIN = "guardMargin";
    public static final String SLICE = "guardSlice";
    public static final String SLICE_FRACTION = "guardSliceFraction";
    public static final String EVERY = "guardEvery";
    public static final String BRAKES = "guardBrakes";

    private Keys() {}
  }
}
