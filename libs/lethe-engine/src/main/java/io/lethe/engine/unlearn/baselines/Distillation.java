package io.lethe.engine.unlearn.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.lethe.engine.tensor.Scalars;
import io.lethe.format.data.LabelSchema;

/**
 * KL(teacher ‖ student) per sample, the distillation loss of Bad Teaching and SCRUB.
 *
 * <p>Single-label: over the softmax of the logits divided by a temperature T, multiplied by T² so
 * that gradients keep their size as T changes (Hinton et al.; SCRUB's {@code DistillKL}).
 * Multi-label: the mean over attributes of the KL between the teacher's and the student's Bernoulli
 * distributions (sigmoid of the logits / T), times T². Only array operands are used, so the
 * gradients are exact inside a collector (see {@link Scalars}).
 */
final class Distillation {
  private final LabelSchema labels;
  private final double temperature;

  Distillation(LabelSchema labels, double temperature) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
    this.labels = labels;
    this.temperature = temperature;
  }

  /**
   * @param student logits (N, outputs) with gradient
   * @param teacher logits (N, outputs); treated as constants
   * @return (N) KL(teacher ‖ student) of every sample, scaled by T²
   */
  NDArray perSample(NDArray student, NDArray teacher) {
    NDArray t = scaled(teacher.stopGradient());
    NDArray s = scaled(student);
    NDArray kl;
    if (labels.multiLabel()) {
      NDArray p = Activation.sigmoid(t);
      NDArray q = p.neg().add(Scalars.like(p, 1)); // 1 - p
      NDArray termOn = p.mul(logSigmoid(t).sub(logSigmoid(s)));
      NDArray termOff = q.mul(logSigmoid(t.neg()).sub(logSigmoid(s.neg())));
      kl = termOn.add(termOff).mean(new int[] {1});
    } else {
      NDArray logP = t.logSoftmax(1);
      kl = logP.exp().mul(logP.sub(s.logSoftmax(1))).sum(new int[] {1});
    }
    return temperature == 1.0 ? kl : kl.mul(Scalars.like(kl, temperature * temperature));
  }

  /** Mean over the batch. */
  NDArray mean(NDArray student, NDArray teacher) {
    return perSample(student, teacher).mean();
  }

  private NDArray scaled(NDArray logits) {
    return temperature == 1.0 ? logits : logits.div(Scalars.like(logits, temperature));
  }

  /** log σ(z) = −(relu(−z) + log(1 + e^−|z|)), stable for large |z|. */
  private static NDArray logSigmoid(NDArray z) {
    NDArray softplus =
        Activation.relu(z.neg()).add(z.abs().neg().exp().add(Scalars.like(z, 1)).log());
    return softplus.neg();
  }
}
