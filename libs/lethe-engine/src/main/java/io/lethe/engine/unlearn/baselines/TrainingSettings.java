package io.lethe.engine.unlearn.baselines;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a baseline updates the model: optimiser, constant learning rate, momentum (SGD only), weight
 * decay, batch size, passes and seed. Every baseline config carries one; the method's own settings
 * sit next to it.
 *
 * @param optimizer SGD with momentum or Adam
 * @param learningRate constant learning rate
 * @param momentum SGD momentum (ignored by Adam)
 * @param weightDecay L2 weight decay
 * @param batchSize samples per optimiser step (clamped to the set's size at run time)
 * @param epochs passes over the set the method iterates (see each method)
 * @param seed shuffling (and, where a method draws random numbers, those) are seeded by it
 */
public record TrainingSettings(
    OptimizerKind optimizer,
    float learningRate,
    float momentum,
    float weightDecay,
    int batchSize,
    int epochs,
    int seed) {
  public TrainingSettings {
    Objects.requireNonNull(optimizer, "optimizer");
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0,1), got " + momentum);
    }
    if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive, got " + epochs);
    }
  }

  /** The settings as plain values, for checkpoint manifests. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("optimizer", optimizer.cliName());
    m.put("learningRate", learningRate);
    m.put("momentum", momentum);
    m.put("weightDecay", weightDecay);
    m.put("batchSize", batchSize);
    m.put("epochs", epochs);
    m.put("seed", seed);
    return m;
  }
}
