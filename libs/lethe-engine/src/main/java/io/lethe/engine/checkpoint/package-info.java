/**
 * Checkpoints: a model's parameters plus a JSON manifest saying what the model is, what it was
 * trained on, how it was made (method, hyperparameters, parent checkpoint) and which subjects it
 * has forgotten.
 *
 * <p>Loading always verifies the parameters against the SHA-256 in the manifest, so a truncated
 * upload or a flipped bit fails loudly instead of yielding a quietly different model. The byte
 * variants ({@link io.lethe.engine.checkpoint.Checkpoints#restore}) do the same checks for stores
 * that are not a local directory. The on-disk format is described in {@code docs/checkpoints.md}.
 */
package io.lethe.engine.checkpoint;
