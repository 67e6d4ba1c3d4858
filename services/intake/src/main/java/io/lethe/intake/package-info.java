/**
 * The intake service: deletion events from Kafka and HTTP become, per model, coalesced forget
 * requests. Entry point {@link io.lethe.intake.IntakeMain}; the work is in {@link
 * io.lethe.intake.IntakeService}. Knows nothing of tensors: no engine, no DJL.
 */
package io.lethe.intake;
