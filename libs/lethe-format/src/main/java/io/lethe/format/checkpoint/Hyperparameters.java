package io.lethe.format.checkpoint;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings hyperparameter values into the shape Jackson reads back from JSON (Integer or Long,
 * Double, Boolean, String, List, Map with sorted keys), so that a manifest equals itself after a
 * JSON round trip. Without this a {@code 0.05f} learning rate from {@code
 * TrainingRecipe.describe()} would come back as the {@code Double} 0.05 and the manifests would
 * differ.
 */
final class Hyperparameters {
  private Hyperparameters() {}

  /** An unmodifiable, key-sorted, JSON-shaped copy of {@code values}. */
  static Map<String, Object> normalize(Map<String, ?> values) {
    return normalizeMap(values, "hyperparameters");
  }

  private static Map<String, Object> normalizeMap(Map<?, ?> values, String path) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<?, ?> e : values.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new IllegalArgumentException(path + " has a non-string key " + e.getKey());
      }
      out.put(key, normalizeValue(e.getValue(), path + "." + key));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Object normalizeValue(Object v, String path) {
    if (v == null) {
      throw new IllegalArgumentException(path + " is null; leave it out instead");
    }
    if (v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return integral(((Number) v).longValue());
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 64 ? integral(b.longValue()) : b;
    }
    if (v instanceof Float f) {
      // Float.toString gives the shortest decimal that reads back as this float; going through it
      // keeps 0.05f as 0.05 rather than 0.05000000074505806.
      return finite(Double.parseDouble(Float.toString(f)), path);
    }
    if (v instanceof Double || v instanceof BigDecimal) {
      return finite(((Number) v).doubleValue(), path);
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      int i = 0;
      for (Object item : c) {
        out.add(normalizeValue(item, path + "[" + i++ + "]"));
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Map<?, ?> m) {
      return normalizeMap(m, path);
    }
    throw new IllegalArgumentException(
        path
            + " has unsupported type "
            + v.getClass().getName()
            + "; use numbers, strings, booleans, lists or maps");
  }

  /** Jackson reads integers that fit an int as Integer, larger ones as Long. */
  private static Object integral(long value) {
    return value == (int) value ? Integer.valueOf((int) value) : Long.valueOf(value);
  }

  private static Double finite(double value, String path) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(path + " is " + value + ", which JSON cannot represent");
    }
    return value;
  }
}
