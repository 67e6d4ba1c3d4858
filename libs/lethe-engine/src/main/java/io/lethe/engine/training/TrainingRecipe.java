package io.lethe.engine.training;

/**
 * How original and retrained models are trained: SGD with momentum and weight decay, a cosine
 * learning-rate schedule over all steps, optional augmentation. Immutable; build with {@link
 * #builder()}.
 */
public final class TrainingRecipe {
  private final int epochs;
  private final int batchSize;
  private final float learningRate;
  private final float momentum;
  private final float weightDecay;
  private final boolean cosineSchedule;
  private final Augmentation augmentation;
  private final int seed;

  private TrainingRecipe(Builder b) {
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.learningRate = b.learningRate;
    this.momentum = b.momentum;
    this.weightDecay = b.weightDecay;
    this.cosineSchedule = b.cosineSchedule;
    this.augmentation = b.augmentation;
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int epochs() {
    return epochs;
  }

  public int batchSize() {
    return batchSize;
  }

  public float learningRate() {
    return learningRate;
  }

  public float momentum() {
    return momentum;
  }

  public float weightDecay() {
    return weightDecay;
  }

  public boolean cosineSchedule() {
    return cosineSchedule;
  }

  public Augmentation augmentation() {
    return augmentation;
  }

  public int seed() {
    return seed;
  }

  /** The recipe as plain values, for checkpoint manifests. */
  public java.util.Map<String, Object> describe() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("epochs", epochs);
    m.put("batchSize", batchSize);
    m.put("learningRate", learningRate);
    m.put("momentum", momentum);
    m.put("weightDecay", weightDecay);
    m.put("cosineSchedule", cosineSchedule);
    m.put("augmentShift", augmentation.maxShift());
    m.put("augmentFlip", augmentation.horizontalFlip());
    m.put("seed", seed);
    return m;
  }

  /**
   * Defaults: 30 epochs, batch 64, lr 0.05, momentum 0.9, weight decay 5e-4, cosine, no
   * augmentation.
   */
  public static final class Builder {
    private int epochs = 30;
    private int batchSize = 64;
    private float learningRate = 0.05f;
    private float momentum = 0.9f;
    private float weightDecay = 5e-4f;
    private boolean cosineSchedule = true;
    private Augmentation augmentation = Augmentation.NONE;
    private int seed = 0;

    private Builder() {}

    public Builder optEpochs(int epochs) {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    public Builder optLearningRate(float learningRate) {
      if (!(learningRate > 0)) {
        throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
      }
      this.learningRate = learningRate;
      return this;
    }

    public Builder optMomentum(float momentum) {
      if (momentum < 0 || momentum >= 1) {
        throw new IllegalArgumentException("momentum must be in [0,1), got " + momentum);
      }
      this.momentum = momentum;
      return this;
    }

    public Builder optWeightDecay(float weightDecay) {
      if (weightDecay < 0) {
        throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
      }
      this.weightDecay = weightDecay;
      return this;
    }

    public Builder optCosineSchedule(boolean cosineSchedule) {
      this.cosineSchedule = cosineSchedule;
      return this;
    }

    public Builder optAugmentation(Augmentation augmentation) {
      this.augmentation = java.util.Objects.requireNonNull(augmentation, "augmentation");
      return this;
    }

    public Builder optSeed(int seed) {
      this.seed = seed;
      return this;
    }

    public TrainingRecipe build() {
      return new TrainingRecipe(this);
    }
  }
}
