package io.lethe.engine.unlearn.dlfd;

/** Where DLFD's signed-gradient steps are taken and clipped. */
public enum PerturbationSpace {
  /** Pixel space, clipped to the valid image range [0,1] (the paper; the default). */
  PIXEL,
  /**
   * The authors' code: steps on the normalised tensor, clamped to [0,1] in normalised units. This
   * throws away every normalised value outside [0,1] (most of a normalised image) on the first
   * step. Kept only so the difference can be measured.
   */
  NORMALISED_CLAMPED
}
