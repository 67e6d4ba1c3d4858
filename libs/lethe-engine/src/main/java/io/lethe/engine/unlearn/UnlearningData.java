package io.lethe.engine.unlearn;

import io.lethe.format.data.ImageDataset;
import java.util.Objects;

/**
 * The samples an unlearning run works with, as dataset indices.
 *
 * @param dataset images and labels
 * @param forget training samples of the subjects to forget
 * @param retain the rest of the training samples
 * @param unseen samples of subjects never trained on (the attack's non-members)
 * @param validation held-out samples for tuning and checkpoint selection (may be empty; never the
 *     test set)
 */
public record UnlearningData(
    ImageDataset dataset, int[] forget, int[] retain, int[] unseen, int[] validation) {
  public UnlearningData {
    Objects.requireNonNull(dataset, "dataset");
    if (forget.length == 0) {
      throw new IllegalArgumentException("the forget set is empty: nothing to unlearn");
    }
    if (retain.length == 0) {
      throw new IllegalArgumentException("the retain set is empty");
    }
    if (unseen.length == 0) {
      throw new IllegalArgumentException(
          "the unseen set is empty: the forgetting score cannot be measured");
    }
    forget = forget.clone();
    retain = retain.clone();
    unseen = unseen.clone();
    validation = validation == null ? new int[0] : validation.clone();
  }
}
