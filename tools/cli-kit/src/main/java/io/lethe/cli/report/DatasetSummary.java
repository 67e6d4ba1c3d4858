package io.lethe.cli.report;

import io.lethe.engine.data.UnlearningSplit;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line saying what a dataset is: its size, its classes as the data names them (class folders,
 * label column values or a preset's names) and how many subjects each split has.
 */
public final class DatasetSummary {
  private DatasetSummary() {}

  /**
   * "{@code 3 classes [anger, happy, neutral]}" or "{@code 3 attributes [gender, age, smiling]}".
   */
  public static String classes(LabelSchema schema) {
    return String.format(
        Locale.ROOT,
        "%d %s [%s]",
        schema.numOutputs(),
        schema.multiLabel() ? "attributes" : "classes",
        String.join(", ", schema.names()));
  }

  /**
   * "{@code dataset emotions: 96 images 16x16x1, 3 classes [anger, happy, neutral]; subjects: 14
   * train, 5 test, 5 unseen}".
   */
  public static String of(ImageDataset dataset) {
    List<String> parts = new ArrayList<>();
    for (Split split : Split.values()) {
      int n = UnlearningSplit.subjects(dataset, split).size();
      if (n > 0) {
        parts.add(n + " " + split.name().toLowerCase(Locale.ROOT));
      }
    }
    return String.format(
        Locale.ROOT,
        "dataset %s: %d images %dx%dx%d, %s; subjects: %s",
        dataset.name(),
        dataset.size(),
        dataset.side(),
        dataset.side(),
        dataset.channels(),
        classes(dataset.labelSchema()),
        String.join(", ", parts));
  }
}
