package io.lethe.engine.unlearn;

import io.lethe.engine.model.Classifier;
import io.lethe.engine.progress.ProgressListener;
import java.util.Map;

/** An unlearning algorithm: changes a trained classifier, in place, so it forgets samples. */
public interface UnlearningMethod {
  /** Short name used on the command line and in checkpoint lineage ("dlfd", "retrain"). */
  String name();

  /** Every setting that influences the result, for the checkpoint manifest. */
  Map<String, Object> hyperparameters();

  /** Unlearns {@code data.forget()} from {@code model} (modified in place). */
  UnlearningOutcome unlearn(Classifier model, UnlearningData data, ProgressListener progress);
}
