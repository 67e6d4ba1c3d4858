package io.lethe.embedded;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that register a TorchScript module as the original instead of training one, shared by
 * {@code lethe-pipeline} and {@code lethe-pipeline register}.
 */
final class TorchScriptOriginalOptions {
  @Option(
      names = "--torchscript",
      paramLabel = "FILE",
      description =
          "Bring your own model: register this TorchScript module (torch.jit.script/trace output)"
              + " as the original instead of training one; needs --descriptor. Its versions stay"
              + " TorchScript modules (docs/torchscript.md).")
  Path module;

  @Option(
      names = "--descriptor",
      paramLabel = "FILE",
      description =
          "The JSON descriptor of --torchscript: input channels/height/width, normalization,"
              + " labels in output order, optional featuresOutput.")
  Path descriptor;

  /** Whether a module was given. */
  boolean given() {
    return module != null;
  }

  /** Rejects a module without a descriptor (or the reverse), and a module with {@code original}. */
  void check(Path original) {
    OriginalRegistration.checkOriginalOptions(original, module, descriptor);
  }
}
