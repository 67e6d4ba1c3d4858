package io.lethe.format.checkpoint;

import io.lethe.format.data.LabelSchema;
import java.util.List;
import java.util.Objects;

/** Label names and whether they are independent binary attributes, as in {@link LabelSchema}. */
public record ManifestLabels(List<String> names, boolean multiLabel) {
  public ManifestLabels {
    Objects.requireNonNull(names, "labels.names is missing");
    names = List.copyOf(names);
  }

  public static ManifestLabels of(LabelSchema schema) {
    return new ManifestLabels(schema.names(), schema.multiLabel());
  }
}
