package io.lethe.engine.unlearn;

import io.lethe.engine.unlearn.baselines.BadTeaching;
import io.lethe.engine.unlearn.baselines.BadTeachingConfig;
import io.lethe.engine.unlearn.baselines.CfK;
import io.lethe.engine.unlearn.baselines.EuK;
import io.lethe.engine.unlearn.baselines.FineTune;
import io.lethe.engine.unlearn.baselines.FineTuneConfig;
import io.lethe.engine.unlearn.baselines.FlatSettings;
import io.lethe.engine.unlearn.baselines.NegGrad;
import io.lethe.engine.unlearn.baselines.NegGradConfig;
import io.lethe.engine.unlearn.baselines.Scrub;
import io.lethe.engine.unlearn.baselines.ScrubConfig;
import io.lethe.engine.unlearn.baselines.Unsir;
import io.lethe.engine.unlearn.baselines.UnsirConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a baseline unlearning method from its name and flat settings, for the CLI, the benchmark
 * and the worker. Keys are the ones the method's {@code hyperparameters()} reports; values may be
 * strings or typed. An unknown name, an unknown key or a bad value is rejected with a message that
 * names it and lists what is accepted. DLFD and retraining keep their own, richer settings.
 */
public final class UnlearningMethods {
  /** The names accepted by {@link #byName}, in the order of the paper's tables. */
  public static final List<String> BASELINES =
      List.of(
          FineTune.NAME,
          NegGrad.NAME,
          CfK.NAME,
          EuK.NAME,
          Unsir.NAME,
          BadTeaching.NAME,
          Scrub.NAME);

  private UnlearningMethods() {}

  /**
   * @param name one of {@link #BASELINES}, case-insensitive
   * @param settings overrides of the method's defaults (may be empty or null)
   * @throws IllegalArgumentException for an unknown name, an unknown key or a bad value
   */
  public static UnlearningMethod byName(String name, Map<String, ?> settings) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    FlatSettings s = new FlatSettings(key, settings);
    return switch (key) {
      case FineTune.NAME -> new FineTune(FineTuneConfig.fromSettings(s));
      case NegGrad.NAME -> new NegGrad(NegGradConfig.fromSettings(s));
      case CfK.NAME -> new CfK(CfK.configFrom(s));
      case EuK.NAME -> new EuK(EuK.configFrom(s));
      case Unsir.NAME -> new Unsir(UnsirConfig.fromSettings(s));
      case BadTeaching.NAME -> new BadTeaching(BadTeachingConfig.fromSettings(s));
      case Scrub.NAME -> new Scrub(ScrubConfig.fromSettings(s));
      default ->
          throw new IllegalArgumentException(
              "unknown unlearning method '" + name + "'; baselines are " + BASELINES);
    };
  }
}
