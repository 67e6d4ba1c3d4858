/**
 * Unlearning metrics: the loss-based membership-inference attack (MIA) of the MUFAC benchmark and
 * DLFD paper, the same attack on other per-sample features ({@link
 * io.lethe.engine.metrics.AttackFeature}: confidence, entropy, modified entropy), the forgetting
 * score and NoMUS, and per-sample loss export.
 *
 * <p>Everything here is plain Java on {@code double[]}: the caller computes per-sample losses and
 * logits from the model, so these classes know nothing of DJL and can be checked against
 * scikit-learn.
 */
package io.lethe.engine.metrics;
