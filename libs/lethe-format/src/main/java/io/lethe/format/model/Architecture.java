package io.lethe.format.model;

import java.util.Locale;

/** The classifier architectures the engine can build. */
public enum Architecture {
  /** A small CNN for fast tests and demos (seconds per epoch on a CPU). */
  SMALL_CNN,
  /** torchvision-style ResNet-18 with the DLFD paper's head 512→256→128→C (ReLU, dropout 0.5). */
  RESNET18,
  /** DenseNet-121 (growth 32, blocks 6-12-24-16). */
  DENSENET121,
  /** EfficientNet-B0 (MBConv, squeeze-excitation, SiLU). */
  EFFICIENTNET_B0,
  /**
   * A TorchScript module brought by the user (the engine's {@code TorchScriptClassifiers}): not
   * built by the engine, so it cannot be trained from scratch, only imported, unlearned and
   * exported.
   */
  TORCHSCRIPT;

  /** Parses "resnet18", "resnet-18", "RESNET18", "efficientnet-b0", "small-cnn" ... */
  public static Architecture parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
    for (Architecture a : values()) {
      if (a.name().replace("_", "").equals(t)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown architecture '"
            + text
            + "': expected small-cnn, resnet18, densenet121, efficientnet-b0 or"
            + " torchscript");
  }

  /** The lower-case, dashed name used on the command line and in checkpoint manifests. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
