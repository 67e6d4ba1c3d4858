package io.lethe.bench.unlearning;

import io.lethe.engine.unlearn.UtilityGuardConfig;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;

/**
 * The rows of the DLFD paper's Table 3 (ablation): which of DLFD's two additions on top of the
 * OT-driven perturbation are switched on. Everything else (α, M, threshold, ε, ...) is the same for
 * all three, so the rows differ only in the components.
 */
public enum DlfdVariant {
  /** Perturb every batch by OT distance only: no classification term, no dynamic forgetting. */
  OT_ONLY("dlfd-ot-only", "DLFD: OT only", false, false),
  /** + the classification term that keeps x* a sample of class y; still every batch perturbed. */
  WITH_CLASSIFICATION("dlfd-ot-cls", "DLFD: + classification loss", true, false),
  /** + dynamic forgetting: perturb only while the forgetting score is above the threshold. */
  FULL("dlfd", "DLFD", true, true),
  /**
   * Full DLFD with the utility guard switched off (not a paper row): what the guard changes, on the
   * same tuned settings.
   */
  UNGUARDED("dlfd-unguarded", "DLFD (no guard)", true, true);

  private final String key;
  private final String label;
  private final boolean classificationLoss;
  private final boolean dynamicForgetting;

  DlfdVariant(String key, String label, boolean classificationLoss, boolean dynamicForgetting) {
    this.key = key;
    this.label = label;
    this.classificationLoss = classificationLoss;
    this.dynamicForgetting = dynamicForgetting;
  }

  public String key() {
    return key;
  }

  public String label() {
    return label;
  }

  public boolean classificationLoss() {
    return classificationLoss;
  }

  public boolean dynamicForgetting() {
    return dynamicForgetting;
  }

  /** {@code base} with this variant's components switched on or off. */
  public DlfdConfig.Builder apply(DlfdConfig.Builder base) {
    base.optClassificationLoss(classificationLoss).optDynamicForgetting(dynamicForgetting);
    return this == UNGUARDED ? base.optUtilityGuard(UtilityGuardConfig.defaults(false)) : base;
  }
}
