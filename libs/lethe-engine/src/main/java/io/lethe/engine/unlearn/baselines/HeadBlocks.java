package io.lethe.engine.unlearn.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import io.lethe.engine.model.ClassifierBlock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A classifier seen as a chain of blocks, counted from the head, for CF-k and EU-k.
 *
 * <p>The feature extractor's {@link SequentialBlock}s are expanded while they contain composite
 * blocks (a ResNet backbone expands into its stem and residual blocks), and kept whole when they
 * are a flat layer group (the small CNN's conv-BN-ReLU-pool stage). The blocks with parameters,
 * plus the final linear classifier, are the countable blocks: for the small CNN these are [stage
 * 32, stage 64, linear 128, classifier], for ResNet-18 [stem, 8 residual blocks, linear 256, linear
 * 128, classifier]. "The last k" are the last k of those.
 *
 * <p>{@link #forward} runs the chain before the first trainable block in eval mode (a frozen
 * feature extractor: its BatchNorm statistics stay as they are and its dropout is off) and the rest
 * in training mode.
 */
final class HeadBlocks {
  private final ClassifierBlock block;
  private final List<Block> chain = new ArrayList<>();
  private final List<Integer> countable = new ArrayList<>();

  HeadBlocks(ClassifierBlock block) {
    this.block = block;
    flatten(block.features(), true);
    for (int i = 0; i < chain.size(); i++) {
      if (!chain.get(i).getParameters().isEmpty()) {
        countable.add(i);
      }
    }
    countable.add(chain.size()); // the classifier
  }

  private void flatten(Block b, boolean root) {
    if (b instanceof SequentialBlock s && (root || hasCompositeChild(s))) {
      for (Block child : s.getChildren().values()) {
        flatten(child, false);
      }
    } else {
      chain.add(b);
    }
  }

  private static boolean hasCompositeChild(SequentialBlock s) {
    return s.getChildren().values().stream().anyMatch(c -> !c.getChildren().isEmpty());
  }

  /** Number of countable blocks (the largest k). */
  int count() {
    return countable.size();
  }

  /** The last {@code k} countable blocks, in forward order (the classifier last). */
  List<Block> last(int k) {
    checkK(k);
    List<Block> out = new ArrayList<>();
    for (int i = countable.size() - k; i < countable.size(); i++) {
      int at = countable.get(i);
      out.add(at == chain.size() ? block.classifier() : chain.get(at));
    }
    return out;
  }

  /** Ids of every parameter (running statistics included) of the last {@code k} blocks. */
  Set<String> parameterIdsOfLast(int k) {
    Set<String> ids = new HashSet<>();
    for (Block b : last(k)) {
      for (Parameter p : b.getParameters().values()) {
        ids.add(p.getId());
      }
    }
    return ids;
  }

  /**
   * Logits and embedding like {@link ClassifierBlock#forward}, with the chain before the last
   * {@code k} blocks in eval mode and the rest in training mode.
   */
  NDList forward(ParameterStore parameters, NDArray pixels, int k) {
    checkK(k);
    int boundary = countable.get(countable.size() - k);
    NDList h = new NDList(block.normalize(pixels));
    for (int i = 0; i < chain.size(); i++) {
      h = chain.get(i).forward(parameters, h, i >= boundary);
    }
    NDArray embedding = h.head();
    NDList logits = block.classifier().forward(parameters, h, true);
    return new NDList(logits.head(), embedding);
  }

  private void checkK(int k) {
    if (k < 1 || k > countable.size()) {
      throw new IllegalArgumentException(
          "k must be between 1 and "
              + countable.size()
              + " (the blocks of this network, counted from the head), got "
              + k);
    }
  }
}
