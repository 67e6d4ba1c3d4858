package io.lethe.format.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled image of one subject. The image itself lives in the owning {@link ImageDataset} at
 * position {@link #index()}.
 *
 * @param index position of this sample in its dataset (0-based, dense)
 * @param sampleId stable id of the sample (file path or "train-123")
 * @param subjectId the person (or pseudo-subject) the image shows; forgetting works on these
 * @param labels one class index for single-label tasks; one 0/1 value per attribute for multi-label
 *     tasks
 * @param split the partition the dataset declares for this sample
 */
public record Sample(int index, String sampleId, String subjectId, int[] labels, Split split) {
  public Sample {
    Objects.requireNonNull(sampleId, "sampleId");
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(split, "split");
    if (labels == null || labels.length == 0) {
      throw new IllegalArgumentException("sample " + sampleId + " has no label");
    }
    labels = labels.clone();
  }

  /** The class index of a single-label sample. */
  public int label() {
    return labels[0];
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sample s
        && s.index == index
        && s.sampleId.equals(sampleId)
        && s.subjectId.equals(subjectId)
        && Arrays.equals(s.labels, labels)
        && s.split == split;
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, sampleId, subjectId, Arrays.hashCode(labels), split);
  }
}
