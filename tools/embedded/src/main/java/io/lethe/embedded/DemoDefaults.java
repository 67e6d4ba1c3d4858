package io.lethe.embedded;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The pipeline's own defaults where they differ from the CLI's shared options: an original that
 * visibly remembers its training images, so that the demo has something measurable to forget. On
 * Fashion-MNIST a small CNN trained on the CLI's 2,000-image pool with weight decay scores a
 * forgetting score within about twice the attack's noise, which no unlearning can lower visibly; a
 * 4,000-image pool (3,000 trained, 1,000 unseen) without weight decay, and 80 forgotten subjects
 * (800 images), give the attack 800 members against 800 non-members and the parent a score of
 * several times its noise (measured: docs/demo.md). {@code lethe-pipeline register} uses the same
 * defaults, so a registered original is the demo's.
 */
public final class DemoDefaults implements IDefaultValueProvider {
  static final int TRAIN_LIMIT = 4000;
  static final String WEIGHT_DECAY = "0";
  static final int FORGET_SUBJECTS = 80;

  /**
   * DLFD's settings carried by the demo's deletion event: step size 0.01 for 2 epochs, perturbing
   * while the forgetting score is above half its starting value. At the engine's defaults (step
   * 0.001, 1 epoch) DLFD left this original's score within its noise of where it was (measured:
   * docs/demo.md).
   */
  static final Map<String, Object> EVENT_HYPERPARAMETERS =
      orderedOf("relativeThreshold", 0.5, "stepSize", 0.01, "epochs", 2L);

  private static final Map<String, String> DEFAULTS =
      Map.of("--train-limit", Integer.toString(TRAIN_LIMIT), "--weight-decay", WEIGHT_DECAY);

  private static Map<String, Object> orderedOf(Object... keysAndValues) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (argSpec instanceof OptionSpec option) {
      return DEFAULTS.get(option.longestName());
    }
    return null;
  }
}
