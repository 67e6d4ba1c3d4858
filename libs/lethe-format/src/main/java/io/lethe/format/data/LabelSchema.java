package io.lethe.format.data;

import java.util.List;

/**
 * What the labels of a dataset mean.
 *
 * <p>Single-label: {@code names} are the class names and every sample has one label in {@code [0,
 * names.size())}. Multi-label (MUCAC: gender, age, smiling): {@code names} are binary attributes
 * and every sample has one 0/1 value per attribute.
 */
public record LabelSchema(List<String> names, boolean multiLabel) {
  public LabelSchema {
    names = List.copyOf(names);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a label schema needs at least one class or attribute");
    }
    if (!multiLabel && names.size() < 2) {
      throw new IllegalArgumentException("a single-label task needs at least two classes");
    }
  }

  public static LabelSchema singleLabel(List<String> classNames) {
    return new LabelSchema(classNames, false);
  }

  public static LabelSchema multiLabel(List<String> attributeNames) {
    return new LabelSchema(attributeNames, true);
  }

  /** Number of model outputs: one logit per class, or one logit per binary attribute. */
  public int numOutputs() {
    return names.size();
  }
}
