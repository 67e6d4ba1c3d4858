package io.lethe.engine.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.model.ModelFormat;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.TorchScriptDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A trained or trainable image classifier: a DJL {@link Model} holding either a {@link
 * ClassifierBlock} the engine built (format {@link ModelFormat#LETHE}) or a {@link
 * TorchScriptBlock} around a user's TorchScript module (format {@link ModelFormat#TORCHSCRIPT}, see
 * {@link TorchScriptClassifiers}), plus what its outputs mean. Both take pixels in [0,1] and return
 * logits first; an engine-built model always returns its embedding second, a TorchScript one only
 * if its descriptor names a features output ({@link #hasEmbedding()}). It owns its native memory;
 * close it when done.
 *
 * <p>It lives on one {@link Device}, chosen when it is created or loaded: its parameters, and every
 * array made from its {@link #manager()}, are there. Without a device it lives on the engine's
 * default device (DJL's rule: the first GPU if the engine sees one, else the CPU); services pass
 * one explicitly.
 */
public final class Classifier implements AutoCloseable {
  private final Model model;
  private final AbstractBlock block;
  private final ModelSpec spec;
  private final LabelSchema labels;
  private final ParameterStore inferenceParameters;
  private final TorchScriptDescriptor torchScript;

  private Classifier(ModelSpec spec, LabelSchema labels, Device device) {
    if (spec.numOutputs() != labels.numOutputs()) {
      throw new IllegalArgumentException(
          "the model has "
              + spec.numOutputs()
              + " outputs but the labels need "
              + labels.numOutputs());
    }
    this.spec = spec;
    this.labels = Objects.requireNonNull(labels, "labels");
    String name = "lethe-" + spec.architecture().cliName();
    this.model = device == null ? Model.newInstance(name) : Model.newInstance(name, device);
    this.block = Models.build(spec);
    this.model.setBlock(block);
    this.inferenceParameters = new ParameterStore(model.getNDManager(), false);
    this.torchScript = null;
  }

  /** A TorchScript classifier; see {@link TorchScriptClassifiers#load}. */
  Classifier(
      Model model,
      TorchScriptBlock block,
      ModelSpec spec,
      LabelSchema labels,
      TorchScriptDescriptor descriptor) {
    this.model = model;
    this.block = block;
    this.spec = spec;
    this.labels = labels;
    this.torchScript = descriptor;
    this.inferenceParameters = new ParameterStore(model.getNDManager(), false);
  }

  /**
   * A freshly initialised classifier on the engine's default device; the same seed gives the same
   * parameters.
   */
  public static Classifier create(ModelSpec spec, LabelSchema labels, int seed) {
    return create(spec, labels, seed, null);
  }

  /**
   * A freshly initialised classifier on {@code device} (null: the engine's default); the same seed
   * gives the same parameters.
   */
  public static Classifier create(ModelSpec spec, LabelSchema labels, int seed, Device device) {
    Classifier c = new Classifier(spec, labels, device);
    Models.initialize((ClassifierBlock) c.block, c.model.getNDManager(), spec, seed);
    return c;
  }

  /**
   * A classifier with the parameters serialised by {@link #parameterBytes()}, on the engine's
   * default device.
   */
  public static Classifier fromParameters(ModelSpec spec, LabelSchema labels, byte[] parameters) {
    return fromParameters(spec, labels, parameters, null);
  }

  /**
   * A classifier with the parameters serialised by {@link #parameterBytes()}, on {@code device}
   * (null: the engine's default).
   */
  public static Classifier fromParameters(
      ModelSpec spec, LabelSchema labels, byte[] parameters, Device device) {
    Classifier c = create(spec, labels, 0, device);
    try {
      c.block.loadParameters(
          c.model.getNDManager(), new DataInputStream(new ByteArrayInputStream(parameters)));
    } catch (IOException | MalformedModelException e) {
      c.close();
      throw new IllegalArgumentException(
          "the parameters do not fit a " + spec.architecture().cliName() + " model of this shape",
          e);
    }
    // DJL's load replaces every parameter's array with a fresh one that has no gradient attached
    // (initialisation attaches it, loading does not), and a Trainer does not attach it either: an
    // optimiser step on a loaded model would fail with "element 0 of tensors does not require
    // grad" unless something (e.g. DLFD's freeze/unfreeze) happened to re-attach it first.
    c.block.freezeParameters(false, p -> p.requiresGradient());
    return c;
  }

  /**
   * All parameters (including BatchNorm statistics): in DJL's block format for an engine-built
   * model, as a TorchScript archive ({@code torch.jit.load} reads it) for a TorchScript one.
   */
  public byte[] parameterBytes() {
    if (block instanceof TorchScriptBlock ts) {
      return ts.moduleBytes();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * An independent copy with the same parameters on the same device (e.g. to keep the original as a
   * teacher).
   */
  public Classifier copy() {
    if (torchScript != null) {
      return TorchScriptClassifiers.load(parameterBytes(), torchScript, device());
    }
    return fromParameters(spec, labels, parameterBytes(), device());
  }

  /**
   * Where the parameters live; arrays of {@link #manager()} and its sub-managers live there too.
   */
  public Device device() {
    return model.getNDManager().getDevice();
  }

  /**
   * Runs the network. {@code training} selects BatchNorm batch statistics and active dropout;
   * callers must say which they mean, every time.
   *
   * @param pixels (N, C, H, W) in [0,1]
   * @return logits (N, outputs) and embedding (N, E); a TorchScript model without a features output
   *     returns the logits alone
   */
  public NDList forward(ParameterStore parameters, NDArray pixels, boolean training) {
    return block.forward(parameters, new NDList(pixels), training);
  }

  /** Eval-mode forward for measurements: no dropout, BatchNorm running statistics. */
  public NDList predict(NDArray pixels) {
    return forward(inferenceParameters, pixels, false);
  }

  /**
   * Freezes (or unfreezes) the trainable parameters. BatchNorm running statistics are never made
   * trainable: DJL's plain {@code freezeParameters(false)} would do that and break the next
   * forward.
   */
  public void freezeTrainableParameters(boolean freeze) {
    block.freezeParameters(
        freeze,
        p ->
            p.getType() != Parameter.Type.RUNNING_MEAN
                && p.getType() != Parameter.Type.RUNNING_VAR);
  }

  public Model model() {
    return model;
  }

  /**
   * The network (for its parameters); {@link #layers(String)} for the engine's own layer structure.
   */
  public AbstractBlock block() {
    return block;
  }

  /**
   * The engine-built network with its backbone and final linear layer, for methods that work on
   * parts of it (CF-k/EU-k retrain the last blocks).
   *
   * @throws UnsupportedOperationException naming {@code method} for a TorchScript model, whose
   *     layers are opaque
   */
  public ClassifierBlock layers(String method) {
    if (block instanceof ClassifierBlock layered) {
      return layered;
    }
    throw new UnsupportedOperationException(
        method
            + " is not supported for TorchScript models: it needs the engine's own layer structure"
            + " (a backbone of blocks and a final linear layer), and a TorchScript module is"
            + " opaque");
  }

  /**
   * Throws, naming {@code method}, unless the engine can build a fresh network of this model's
   * architecture (not for a TorchScript model).
   */
  public void requireBuildable(String method) {
    if (torchScript != null) {
      throw new UnsupportedOperationException(
          method
              + " is not supported for TorchScript models: it needs a freshly initialised network"
              + " of the same architecture, which the engine cannot build from a TorchScript"
              + " module");
    }
  }

  /** How the model is stored: the engine's parameter format or a TorchScript archive. */
  public ModelFormat format() {
    return torchScript != null ? ModelFormat.TORCHSCRIPT : ModelFormat.LETHE;
  }

  /** The descriptor of a TorchScript model; empty for an engine-built one. */
  public Optional<TorchScriptDescriptor> torchScriptDescriptor() {
    return Optional.ofNullable(torchScript);
  }

  /** Whether {@link #forward} returns an embedding (N, E) after the logits. */
  public boolean hasEmbedding() {
    return !(block instanceof TorchScriptBlock ts) || ts.hasFeatures();
  }

  public ModelSpec spec() {
    return spec;
  }

  public LabelSchema labels() {
    return labels;
  }

  /** The manager owning the parameters; per-batch work uses short-lived sub-managers of it. */
  public NDManager manager() {
    return model.getNDManager();
  }

  @Override
  public void close() {
    model.close();
  }
}
