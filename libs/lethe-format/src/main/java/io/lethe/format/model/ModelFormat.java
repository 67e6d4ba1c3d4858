package io.lethe.format.model;

import java.util.Locale;

/** How a checkpoint stores its model. */
public enum ModelFormat {
  /** The engine's own architectures, parameters in DJL's block format ({@code parameters.bin}). */
  LETHE,
  /** A user's TorchScript module ({@code model.pt}) with its descriptor. */
  TORCHSCRIPT;

  /** "lethe" or "torchscript", as in checkpoint and version manifests. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a {@link #wireName()}; null means {@link #LETHE} (manifests older than the field). */
  public static ModelFormat parse(String text) {
    if (text == null) {
      return LETHE;
    }
    for (ModelFormat f : values()) {
      if (f.wireName().equals(text)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown model format '" + text + "': expected lethe or torchscript");
  }
}
