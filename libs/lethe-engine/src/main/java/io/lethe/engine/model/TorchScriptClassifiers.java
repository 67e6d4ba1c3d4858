package io.lethe.engine.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import io.lethe.engine.EngineRuntime;
import io.lethe.format.model.TorchScriptDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Loads a TorchScript image classifier ({@code torch.jit.script} or {@code torch.jit.trace} output,
 * saved with {@code .save()}) with its {@link TorchScriptDescriptor} as a {@link Classifier}.
 *
 * <p>What the module must satisfy, checked here or on the first forward: it is a TorchScript
 * archive that this build's libtorch reads (no Python-only operations); {@code forward} takes one
 * float (N, C, H, W) tensor, already normalised with the descriptor's statistics, and returns
 * logits (N, labels) or a tuple whose element 0 is the logits; it has trainable parameters.
 * BatchNorm and Dropout follow the engine's training flag through {@code module.train()/eval()}; a
 * traced module records the branch taken at trace time, so one traced in eval mode keeps using
 * running statistics even when the engine trains it.
 */
public final class TorchScriptClassifiers {
  private TorchScriptClassifiers() {}

  /** Loads {@code module} (a {@code .pt} file) described by the JSON file {@code descriptor}. */
  public static Classifier load(Path module, Path descriptor, Device device) {
    TorchScriptDescriptor d;
    try {
      d = TorchScriptDescriptor.fromJson(Files.readString(descriptor, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + descriptor + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(descriptor + ": " + e.getMessage(), e);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(module);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + module + ": " + e.getMessage(), e);
    }
    return load(bytes, d, device);
  }

  /**
   * Loads the TorchScript archive {@code module} on {@code device} (null: the engine's default).
   *
   * @throws IllegalArgumentException if the bytes are not a TorchScript archive, the module has no
   *     trainable parameters, fails on a (1, C, H, W) input, or its outputs do not match {@code
   *     descriptor}
   */
  public static Classifier load(byte[] module, TorchScriptDescriptor descriptor, Device device) {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(descriptor, "descriptor");
    Model model =
        device == null
            ? Model.newInstance("lethe-torchscript", "PyTorch")
            : Model.newInstance("lethe-torchscript", device, "PyTorch");
    boolean loaded = false;
    Path dir = null;
    try {
      dir = EngineRuntime.createTempDirectory("lethe-torchscript");
      Files.write(dir.resolve("model.pt"), module);
      try {
        model.load(dir, "model", Map.of("trainParam", "true", "mapLocation", "true"));
      } catch (RuntimeException | MalformedModelException | IOException e) {
        throw new IllegalArgumentException(
            "not a TorchScript archive this engine can load (torch.jit.script/trace output saved"
                + " with .save()): "
                + e.getMessage(),
            e);
      }
      if (!(model.getBlock() instanceof PtSymbolBlock symbol)) {
        throw new IllegalArgumentException(
            "not a TorchScript module: DJL loaded a "
                + model.getBlock().getClass().getSimpleName());
      }
      TorchScriptBlock block = new TorchScriptBlock(symbol, descriptor);
      model.setBlock(block);
      Classifier classifier =
          new Classifier(model, block, descriptor.modelSpec(), descriptor.labels(), descriptor);
      check(classifier, descriptor);
      loaded = true;
      return classifier;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not stage the TorchScript module: " + e.getMessage(), e);
    } finally {
      if (!loaded) {
        model.close();
      }
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  /** Trainable parameters, and an eval forward of one black image with the expected outputs. */
  private static void check(Classifier classifier, TorchScriptDescriptor descriptor) {
    long trainable =
        classifier.block().getParameters().values().stream()
            .filter(Parameter::requiresGradient)
            .count();
    if (trainable == 0) {
      throw new IllegalArgumentException(
          "the TorchScript module has no trainable parameters: nothing to unlearn");
    }
    try (NDManager scratch = classifier.manager().newSubManager()) {
      // the block checks the shapes of the logits and the features
      classifier.predict(scratch.zeros(Models.inputShape(descriptor.modelSpec(), 1)));
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "the TorchScript module failed on a float input "
              + Models.inputShape(descriptor.modelSpec(), 1)
              + " (forward must take one (N, C, H, W) float tensor): "
              + e.getMessage(),
          e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
