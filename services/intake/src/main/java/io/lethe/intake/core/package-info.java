/**
 * The intake's core: a deletion becomes forget requests. De-duplication by idempotency key,
 * resolution of subjects to models ({@link io.lethe.intake.core.ModelCatalog}), coalescing per
 * model ({@link io.lethe.intake.core.Coalescer}), recording and sending each request ({@link
 * io.lethe.intake.core.RequestEmitter}, {@link io.lethe.intake.core.Ledger}) and the status of
 * deletions and requests ({@link io.lethe.intake.core.DeletionStatuses}). Knows neither HTTP nor
 * the Kafka consumers: the adapters call it.
 */
package io.lethe.intake.core;
