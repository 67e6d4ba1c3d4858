/**
 * Unlearning metrics: the loss-based membership-inference attack (MIA) of the MUFAC benchmark and
 * DLFD paper, the forgetting score and NoMUS, and per-sample loss export.
 *
 * <p>Everything here is plain Java on {@code double[]}: the caller computes per-sample losses from
 * the model, so these classes know nothing of DJL and can be checked against scikit-learn.
 */
package io.lethe.engine.metrics;
