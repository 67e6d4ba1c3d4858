/**
 * The intake service: deletion events from Kafka and HTTP become, per model, coalesced forget
 * requests. Entry point {@link io.lethe.intake.IntakeMain}; {@link io.lethe.intake.IntakeService}
 * wires the {@link io.lethe.intake.core core} (deletion → forget request) to its two entry points,
 * {@link io.lethe.intake.http} and {@link io.lethe.intake.kafka}. Knows nothing of tensors: no
 * engine, no DJL.
 */
package io.lethe.intake;
