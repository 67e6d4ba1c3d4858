package io.lethe.engine.evaluation;

/**
 * A model's output distribution on a set of samples, kept so another model can be compared with it
 * later ({@link OutputDistance}) without both being loaded at once.
 *
 * @param indices dataset indices of the samples, in order
 * @param probabilities per sample: the softmax over classes (single-label), or the sigmoid of each
 *     attribute (multi-label)
 * @param multiLabel whether the rows are per-attribute probabilities
 */
public record ModelOutputs(int[] indices, float[][] probabilities, boolean multiLabel) {
  public ModelOutputs {
    if (indices.length != probabilities.length) {
      throw new IllegalArgumentException(
          indices.length + " indices but " + probabilities.length + " probability rows");
    }
  }

  public int size() {
    return indices.length;
  }

  /** Columns per row (classes or attributes); 0 when there are no rows. */
  public int width() {
    return probabilities.length == 0 ? 0 : probabilities[0].length;
  }
}
