package io.lethe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.lethe.format.model.Normalization;
import java.util.Objects;

/**
 * An image classifier that takes pixels in [0,1] and returns {@code NDList(logits, embedding)}.
 *
 * <p>The model normalises its own input so that everything outside it (datasets, adversarial or
 * unlearning perturbations of the input) works in pixel space. The normalisation uses only array
 * operands (no {@code Number} overloads): inside a GradientCollector DJL frees the temporary scalar
 * of {@code NDArray.sub(Number)} etc. too early, which corrupts input gradients.
 *
 * <p>Logits come first in the output (index 0, where DJL's evaluators look); the penultimate
 * embedding (the input of the final {@link Linear}) is second, for feature-space unlearning losses.
 * DJL 0.36's cross-entropy losses insist on a single prediction, so wrap them in {@link
 * LogitsLoss}.
 *
 * <p>The {@code training} flag of {@code forward} selects BatchNorm batch statistics (and updates
 * the running statistics) and enables Dropout; {@code false} gives a deterministic eval forward.
 */
public final class ClassifierBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Normalization normalization;
  private final int embeddingSize;
  private final int numOutputs;
  private final Block features;
  private final Block classifier;

  /**
   * @param normalization per-channel normalisation applied to the [0,1] input
   * @param features maps the normalised (N, C, H, W) input to the (N, embeddingSize) embedding
   * @param embeddingSize width of the embedding produced by {@code features}
   * @param numOutputs number of logits
   */
  public ClassifierBlock(
      Normalization normalization, Block features, int embeddingSize, int numOutputs) {
    super(VERSION);
    this.normalization = Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(features, "features");
    if (embeddingSize < 1 || numOutputs < 1) {
      throw new IllegalArgumentException(
          "embeddingSize and numOutputs must be positive: " + embeddingSize + ", " + numOutputs);
    }
    this.embeddingSize = embeddingSize;
    this.numOutputs = numOutputs;
    this.features = addChildBlock("features", features);
    this.classifier = addChildBlock("classifier", Linear.builder().setUnits(numOutputs).build());
  }

  /** The logits (N, numOutputs) of a {@code forward} output. */
  public static NDArray logits(NDList output) {
    return output.get(0);
  }

  /** The embedding (N, E) of a {@code forward} output. */
  public static NDArray embedding(NDList output) {
    if (output.size() < 2) {
      throw new IllegalArgumentException("not a classifier output (logits, embedding): " + output);
    }
    return output.get(1);
  }

  /** Width E of the embedding (second output). */
  public int embeddingSize() {
    return embeddingSize;
  }

  /** Number of logits (first output). */
  public int numOutputs() {
    return numOutputs;
  }

  /** The normalisation applied to the input. */
  public Normalization normalization() {
    return normalization;
  }

  /** The backbone producing the embedding (for freezing or inspection). */
  public Block features() {
    return features;
  }

  /** The final linear layer producing the logits. */
  public Block classifier() {
    return classifier;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray normalized = normalize(inputs.head());
    NDList embedding = features.forward(parameterStore, new NDList(normalized), training, params);
    NDList logits = classifier.forward(parameterStore, embedding, training, params);
    return new NDList(logits.head(), embedding.head());
  }

  /**
   * {@code (x - mean) / std} per channel, with the constants created in x's manager so they live as
   * long as the graph that may read them during backward. Public for forwards that run the feature
   * chain piece by piece (baselines that freeze a prefix of the network).
   */
  public NDArray normalize(NDArray x) {
    return InputNormalizer.apply(normalization, x);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape input = inputShapes[0];
    if (input.dimension() != 4 || input.get(1) != normalization.channels()) {
      throw new IllegalArgumentException(
          "expected input (N, " + normalization.channels() + ", H, W) but got " + input);
    }
    features.initialize(manager, dataType, input);
    Shape[] embedding = features.getOutputShapes(new Shape[] {input});
    checkEmbedding(embedding[0]);
    classifier.initialize(manager, dataType, embedding);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] embedding = features.getOutputShapes(inputShapes);
    checkEmbedding(embedding[0]);
    Shape[] logits = classifier.getOutputShapes(embedding);
    return new Shape[] {logits[0], embedding[0]};
  }

  private void checkEmbedding(Shape embedding) {
    if (embedding.dimension() != 2 || embedding.get(1) != embeddingSize) {
      throw new IllegalStateException(
          "features produce " + embedding + " but embeddingSize is " + embeddingSize);
    }
  }
}
