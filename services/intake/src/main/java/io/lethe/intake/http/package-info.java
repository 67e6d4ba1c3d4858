/**
 * Where a deletion enters over HTTP: {@code POST /v1/deletions} and the status routes ({@link
 * io.lethe.intake.http.IntakeHttpApi}). An accepted deletion is written to {@code
 * lethe.deletion-events}, so it takes the Kafka path from there.
 */
package io.lethe.intake.http;
