package io.lethe.format.checkpoint;

import io.lethe.format.model.Normalization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The model's input normalisation as JSON-friendly lists (records with arrays have no value
 * equality, which the lossless round trip needs).
 */
public record InputNormalization(List<Float> mean, List<Float> std) {
  public InputNormalization {
    Objects.requireNonNull(mean, "normalization.mean is missing");
    Objects.requireNonNull(std, "normalization.std is missing");
    mean = List.copyOf(mean);
    std = List.copyOf(std);
  }

  public static InputNormalization of(Normalization n) {
    return new InputNormalization(floats(n.mean()), floats(n.std()));
  }

  public Normalization toNormalization() {
    float[] m = new float[mean.size()];
    float[] s = new float[std.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = mean.get(i);
    }
    for (int i = 0; i < s.length; i++) {
      s[i] = std.get(i);
    }
    return new Normalization(m, s);
  }

  private static List<Float> floats(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float v : values) {
      out.add(v);
    }
    return Collections.unmodifiableList(out);
  }
}
