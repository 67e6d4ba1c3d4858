package io.lethe.cli.options;

import io.lethe.engine.training.Augmentation;
import io.lethe.engine.training.TrainingRecipe;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import picocli.CommandLine.Option;

/** Model and recipe for training originals and retrained models. */
public final class TrainingOptions {
  @Option(
      names = "--arch",
      defaultValue = "small-cnn",
      description =
          "small-cnn, resnet18, densenet121 or efficientnet-b0. Default: ${DEFAULT-VALUE}.")
  String arch;

  @Option(names = "--epochs", defaultValue = "50", description = "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--lr",
      defaultValue = "0.05",
      description = "SGD learning rate. Default: ${DEFAULT-VALUE}.")
  float learningRate;

  @Option(names = "--momentum", defaultValue = "0.9", description = "Default: ${DEFAULT-VALUE}.")
  float momentum;

  @Option(
      names = "--weight-decay",
      defaultValue = "5e-4",
      description = "Default: ${DEFAULT-VALUE}.")
  float weightDecay;

  @Option(names = "--no-cosine", description = "Constant learning rate instead of cosine decay.")
  boolean noCosine;

  @Option(names = "--augment", description = "Random shifts of up to 2 px and horizontal flips.")
  boolean augment;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Initialisation and shuffling seed. Default: ${DEFAULT-VALUE}.")
  int seed;

  public TrainingRecipe recipe() {
    return TrainingRecipe.builder()
        .optEpochs(epochs)
        .optBatchSize(batchSize)
        .optLearningRate(learningRate)
        .optMomentum(momentum)
        .optWeightDecay(weightDecay)
        .optCosineSchedule(!noCosine)
        .optAugmentation(augment ? Augmentation.standard() : Augmentation.NONE)
        .optSeed(seed)
        .build();
  }

  /**
   * The model for {@code dataset}: its channels, side and outputs; normalisation with the usual
   * statistics (ImageNet for RGB, Fashion-MNIST's for grey).
   */
  public ModelSpec spec(ImageDataset dataset) {
    Normalization norm =
        dataset.channels() == 3
            ? Normalization.imagenet()
            : Normalization.uniform(1, 0.2860f, 0.3530f);
    return ModelSpec.of(
        Architecture.parse(arch),
        dataset.channels(),
        dataset.side(),
        dataset.labelSchema().numOutputs(),
        norm);
  }
}
