package io.lethe.engine.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.lethe.engine.data.LabelSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A trained or trainable image classifier: a DJL {@link Model} holding a {@link ClassifierBlock},
 * plus what its outputs mean. It owns its native memory; close it when done.
 *
 * <p>It lives on one {@link Device}, chosen when it is created or loaded: its parameters, and every
 * array made from its {@link #manager()}, are there. Without a device it lives on the engine's
 * default device (DJL's rule: the first GPU if the engine sees one, else the CPU); services pass
 * one explicitly.
 */
public final class Classifier implements AutoCloseable {
  private final Model model;
  private final ClassifierBlock block;
  private final ModelSpec spec;
  private final LabelSchema labels;
  private final ParameterStore inferenceParameters;

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
    Models.initialize(c.block, c.model.getNDManager(), spec, seed);
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

  /** All parameters (including BatchNorm statistics) in DJL's block format. */
  public byte[] parameterBytes() {
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
   * @return logits (N, outputs) and embedding (N, E)
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

  public ClassifierBlock block() {
    return block;
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
