package io.lethe.format.checkpoint;

import java.util.Objects;

/**
 * A checkpoint held in memory: its manifest and the parameter bytes it describes, verified against
 * each other on construction. What a checkpoint directory holds ({@code manifest.json}, {@code
 * parameters.bin}) and what a store keeps per version, without a file in between.
 *
 * @param manifest what the model is, what it was trained on and how it was made
 * @param parameters the model's parameter bytes
 */
public record Checkpoint(CheckpointManifest manifest, byte[] parameters) {
  /**
   * @throws CheckpointException if {@code parameters} are not the bytes {@code manifest} describes
   */
  public Checkpoint {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(parameters, "parameters");
    manifest.verifyParameters(parameters);
  }
}
