package io.lethe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.lethe.format.model.Normalization;
import io.lethe.format.model.TorchScriptDescriptor;
import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * A TorchScript module behind the engine's classifier contract: pixels in [0,1] in, {@code
 * NDList(logits)} or {@code NDList(logits, features)} out, like {@link ClassifierBlock}.
 *
 * <p>It normalises the input with the descriptor's statistics, then runs the module. Two things
 * differ from DJL's own {@link PtSymbolBlock#forward}: every forward sets the module's mode ({@code
 * module.train()} or {@code module.eval()}, so BatchNorm and Dropout follow {@code training}), and
 * autograd stays on in both modes. DJL runs an eval forward under PyTorch's inference mode, which
 * would give no input gradients for eval-mode perturbations (DLFD) and outputs that cannot take
 * part in a later backward (teachers of distillation baselines).
 */
public final class TorchScriptBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final PtSymbolBlock module;
  private final Normalization normalization;
  private final int numOutputs;
  private final Integer featuresOutput;

  /**
   * @param module the loaded module, its parameters trainable
   * @param descriptor what it expects and returns
   */
  public TorchScriptBlock(PtSymbolBlock module, TorchScriptDescriptor descriptor) {
    super(VERSION);
    this.module = addChildBlock("module", Objects.requireNonNull(module, "module"));
    this.normalization = descriptor.normalization();
    this.numOutputs = descriptor.labels().numOutputs();
    this.featuresOutput = descriptor.featuresOutput();
  }

  /** Whether {@code forward} returns features (second element) besides the logits. */
  public boolean hasFeatures() {
    return featuresOutput != null;
  }

  /** The wrapped module. */
  public PtSymbolBlock module() {
    return module;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray normalized = InputNormalizer.apply(normalization, inputs.head());
    setMode(training);
    NDList out = IValueUtils.forward(module, new NDList(normalized), true);
    NDArray logits = out.get(0);
    Shape shape = logits.getShape();
    long n = inputs.head().getShape().get(0);
    if (shape.dimension() != 2 || shape.get(0) != n || shape.get(1) != numOutputs) {
      throw new IllegalStateException(
          "the TorchScript module returned "
              + (out.size() > 1 ? "a tuple whose first element has" : "")
              + " shape "
              + shape
              + " for "
              + n
              + " inputs; expected logits ("
              + n
              + ", "
              + numOutputs
              + ") for the descriptor's "
              + numOutputs
              + " labels");
    }
    if (featuresOutput == null) {
      return new NDList(logits);
    }
    if (out.size() <= featuresOutput) {
      throw new IllegalStateException(
          "the descriptor's featuresOutput is "
              + featuresOutput
              + " but the TorchScript module returned "
              + out.size()
              + " output(s)");
    }
    NDArray features = out.get(featuresOutput);
    if (features.getShape().dimension() != 2 || features.getShape().get(0) != n) {
      throw new IllegalStateException(
          "the TorchScript module's output "
              + featuresOutput
              + " (featuresOutput) has shape "
              + features.getShape()
              + "; expected features ("
              + n
              + ", E)");
    }
    return new NDList(logits, features);
  }

  /**
   * Sets {@code module.train()} or {@code module.eval()}. Done on every forward, not only on a
   * change: DJL's own forward (e.g. in {@code getOutputShapes}) switches the module behind our
   * back.
   */
  private void setMode(boolean training) {
    if (training) {
      JniUtils.enableTrainingMode(module);
    } else {
      JniUtils.enableInferenceMode(module);
    }
  }

  /**
   * The module as a TorchScript archive that {@code torch.jit.load} reads, in eval mode (the mode a
   * consumer of an exported classifier expects).
   */
  public byte[] moduleBytes() {
    setMode(false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JniUtils.writeModule(module, out, false);
    return out.toByteArray();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // A TorchScript module arrives with its parameters; there is nothing to initialise.
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] out = module.getOutputShapes(inputShapes);
    return featuresOutput == null
        ? new Shape[] {out[0]}
        : new Shape[] {out[0], out[featuresOutput]};
  }
}
