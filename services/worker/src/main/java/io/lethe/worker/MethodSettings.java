package io.lethe.worker;

import io.lethe.engine.training.TrainingRecipe;
import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.registry.MethodRegistry;
import io.lethe.engine.unlearn.registry.MethodSpec;
import io.lethe.engine.unlearn.registry.Setting;
import io.lethe.engine.unlearn.registry.SettingException;
import io.lethe.engine.unlearn.registry.UnknownSettingsException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Maps a forget request's flat {@code hyperparameters} onto the engine's settings, through the
 * engine's {@link MethodRegistry}, whose keys are accepted as they are: an unknown or mistyped key
 * is rejected with {@link IllegalArgumentException} (the job fails with that message) rather than
 * silently ignored, because a caller who asked for {@code perturbationStep: 2} and got the default
 * 15 would trust a model that was not made the way they think.
 *
 * <p>How far a value may go is operator policy, not this class's: {@link UnlearningJob} checks the
 * request against {@link io.lethe.service.limits.HyperparameterLimits} first, whose keys must stay
 * exactly {@link #DLFD_KEYS} and {@link #RETRAIN_KEYS} ({@code MethodSettingsTest} fails when they
 * drift). Adding a key to the registry means adding its ranges there.
 */
public final class MethodSettings {
  private MethodSettings() {}

  /**
   * The DLFD keys accepted: every key of the registry, as named by {@link DlfdConfig#describe()}.
   */
  public static final Set<String> DLFD_KEYS = MethodRegistry.DLFD.keys();

  /**
   * The retraining keys accepted: the registry's, as named by {@link TrainingRecipe#describe()}.
   */
  public static final Set<String> RETRAIN_KEYS = MethodRegistry.RETRAIN.keys();

  /**
   * The DLFD configuration: engine defaults with {@code overrides} applied. {@code alpha} (the
   * paper's name for the perturbation step size) is an alias of {@code stepSize}.
   *
   * @throws IllegalArgumentException naming the key that is unknown, mistyped or out of range
   */
  public static DlfdConfig dlfd(Map<String, Object> overrides) {
    return worded(() -> MethodRegistry.DLFD.build(overrides));
  }

  /**
   * The retraining recipe: the parent's own recipe (from its checkpoint hyperparameters, so a
   * retrained version is trained like the original) with {@code overrides} applied.
   *
   * @param parentHyperparameters the parent checkpoint's hyperparameters (may lack any key)
   * @throws IllegalArgumentException naming the key that is unknown, mistyped or out of range
   */
  public static TrainingRecipe retrain(
      Map<String, Object> overrides, Map<String, Object> parentHyperparameters) {
    MethodSpec<TrainingRecipe.Builder, TrainingRecipe> spec = MethodRegistry.RETRAIN;
    return worded(
        () -> {
          TrainingRecipe.Builder b = spec.applyKnown(spec.newBuilder(), parentHyperparameters);
          return spec.finish(spec.apply(b, overrides));
        });
  }

  /** The registry's errors in the words of a request's: "hyperparameter", "unsupported". */
  private static <T> T worded(Supplier<T> build) {
    try {
      return build.get();
    } catch (UnknownSettingsException e) {
      throw new IllegalArgumentException(
          "unsupported "
              + e.method()
              + " hyperparameter(s) "
              + e.unknown()
              + "; supported: "
              + e.accepted(),
          e);
    } catch (SettingException e) {
      String problem =
          e.wrongType()
              ? " must be "
                  + (e.kind() == Setting.Kind.BOOLEAN ? "a boolean" : e.expected())
                  + ", got "
                  + e.value()
              : ": " + e.reason();
      throw new IllegalArgumentException("hyperparameter " + e.key() + problem, e);
    }
  }
}
