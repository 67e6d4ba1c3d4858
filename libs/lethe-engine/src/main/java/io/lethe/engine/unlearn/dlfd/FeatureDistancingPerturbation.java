package io.lethe.engine.unlearn.dlfd;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.lethe.engine.model.Classifier;
import io.lethe.engine.tensor.Scalars;
import io.lethe.engine.training.TaskLoss;
import io.lethe.format.model.Normalization;

/**
 * DLFD's inner loop: M signed-gradient steps on the retain images that increase the OT distance
 * between their features and the forget images' features while keeping their classification loss
 * low:
 *
 * <pre>x* ← clip[0,1](x* + α·sign(∇x* [w_f·OT(f(x*), f(x_f)) − λ·CE(model(x*), y)]))</pre>
 *
 * <p>The model's parameters are frozen during the steps, so the input gradients' backward passes
 * leave no parameter gradients behind for the following training step. Each step lives in its own
 * sub-manager of the caller's batch manager.
 */
public final class FeatureDistancingPerturbation {
  private final Classifier classifier;
  private final DlfdConfig config;
  private final SinkhornDistance sinkhorn;
  private final TaskLoss loss;
  private final ParameterStore parameters;
  private double stepScale = 1.0;

  public FeatureDistancingPerturbation(Classifier classifier, DlfdConfig config) {
    if (config.featureSource() == FeatureSource.EMBEDDING && !classifier.hasEmbedding()) {
      throw new IllegalArgumentException(
          "DLFD on the embedding needs a model that returns features: this TorchScript model's"
              + " descriptor names no featuresOutput (use DLFD on the logits, or export a module"
              + " returning (logits, features) and set featuresOutput)");
    }
    this.classifier = classifier;
    this.config = config;
    this.sinkhorn =
        SinkhornDistance.builder()
            .optEpsilon(config.sinkhornEpsilon())
            .optMaxIterations(config.sinkhornIterations())
            .build();
    this.loss = TaskLoss.of(classifier.labels());
    this.parameters = new ParameterStore(classifier.manager(), false);
  }

  /**
   * Multiplies α for the perturbations computed from now on (the utility guard halves it per
   * brake); 1 = the configured step size.
   */
  public void setStepScale(double scale) {
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("step scale must be in (0,1], got " + scale);
    }
    stepScale = scale;
  }

  /**
   * @param retain (N, C, H, W) pixels in [0,1], owned by the caller's batch manager
   * @param labels the retain labels
   * @param forget forget images of the paired batch
   * @param lambda weight of the classification term for this batch
   * @return x*, owned by the manager of {@code retain}
   */
  public NDArray perturb(NDArray retain, NDArray labels, NDArray forget, double lambda) {
    NDManager batch = retain.getManager();
    NDArray forgetFeatures = features(forget);
    NDArray cleanFeatures = config.otOnClean() ? features(retain) : null;
    NDArray current = retain;
    classifier.freezeTrainableParameters(true);
    try {
      for (int m = 0; m < config.perturbationSteps(); m++) {
        try (NDManager step = batch.newSubManager()) {
          NDArray gradient =
              objectiveGradient(step, current, labels, forgetFeatures, cleanFeatures, lambda);
          NDArray next = step(current, gradient);
          next.attach(batch);
          if (current != retain) {
            current.close();
          }
          current = next;
        }
      }
    } finally {
      classifier.freezeTrainableParameters(false);
    }
    return current;
  }

  /**
   * ∇x of the perturbation objective at {@code x}, returned in {@code step}'s manager. Public for
   * tests that check what each term contributes.
   */
  public NDArray objectiveGradient(
      NDManager step,
      NDArray x,
      NDArray labels,
      NDArray forgetFeatures,
      NDArray cleanFeatures,
      double lambda) {
    NDArray input = x.duplicate();
    input.attach(step);
    input.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList out = classifier.forward(parameters, input, config.perturbInTrainingMode());
      NDArray own =
          cleanFeatures != null ? cleanFeatures : out.get(config.featureSource().outputIndex());
      NDArray ot = sinkhorn.compute(own, forgetFeatures).distance();
      NDArray objective = ot.mul(Scalars.like(ot, config.forgetWeight()));
      // The classification term is always in the graph (weight 0 when disabled), so x has a
      // gradient even when the OT term does not depend on it (--ot-on-clean).
      double ceWeight = config.classificationLoss() ? lambda : 0.0;
      NDArray ce = loss.mean(out.get(0), labels);
      objective = objective.sub(ce.mul(Scalars.like(ce, ceWeight)));
      collector.backward(objective);
    }
    return input.getGradient();
  }

  /** Features of {@code images} under the perturbation's mode, with no gradient. */
  public NDArray features(NDArray images) {
    NDList out = classifier.forward(parameters, images, config.perturbInTrainingMode());
    return out.get(config.featureSource().outputIndex()).stopGradient();
  }

  /** The OT distance between the features of two image batches (for diagnostics and tests). */
  public double distance(NDArray a, NDArray b) {
    try (NDManager scratch = a.getManager().newSubManager()) {
      NDArray fa = features(a);
      fa.attach(scratch);
      NDArray fb = features(b);
      fb.attach(scratch);
      return sinkhorn.compute(fa, fb).distance().getFloat();
    }
  }

  private NDArray step(NDArray x, NDArray gradient) {
    NDArray direction = gradient.sign().mul(config.stepSize() * stepScale);
    if (config.perturbationSpace() == PerturbationSpace.PIXEL) {
      return x.add(direction).clip(0, 1);
    }
    // Authors' variant: step and clamp in normalised units, then return to pixels.
    Normalization n = classifier.spec().normalization();
    NDManager m = x.getManager();
    Shape perChannel = new Shape(1, n.channels(), 1, 1);
    NDArray mean = m.create(n.mean(), perChannel);
    NDArray std = m.create(n.std(), perChannel);
    NDArray z = x.sub(mean).div(std).add(direction).clip(0, 1);
    return z.mul(std).add(mean);
  }
}
