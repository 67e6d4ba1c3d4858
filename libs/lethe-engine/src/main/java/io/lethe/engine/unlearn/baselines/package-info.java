/**
 * The baseline unlearning methods DLFD is compared with in the paper: Fine-tune, NegGrad, CF-k,
 * EU-k, UNSIR, Bad Teaching and SCRUB. Each is an {@link io.lethe.engine.unlearn.UnlearningMethod}
 * with an immutable config whose defaults name their source; {@link
 * io.lethe.engine.unlearn.registry.MethodRegistry} builds any of them from a name and flat
 * settings. See {@code docs/baselines.md}.
 */
package io.lethe.engine.unlearn.baselines;
