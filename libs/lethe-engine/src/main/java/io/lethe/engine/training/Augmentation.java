package io.lethe.engine.training;

import java.util.Random;

/**
 * Cheap, seeded image augmentation applied on the host while a batch is assembled: a random
 * translation by up to {@code maxShift} pixels (zero padding, as random-crop-with-padding does) and
 * an optional horizontal flip.
 *
 * @param maxShift largest shift in pixels (0 disables)
 * @param horizontalFlip flip half of the images left-right
 */
public record Augmentation(int maxShift, boolean horizontalFlip) {
  public static final Augmentation NONE = new Augmentation(0, false);

  public Augmentation {
    if (maxShift < 0) {
      throw new IllegalArgumentException("maxShift must be >= 0, got " + maxShift);
    }
  }

  /** The usual recipe for small images: shift up to 2 px, flip. */
  public static Augmentation standard() {
    return new Augmentation(2, true);
  }

  public boolean enabled() {
    return maxShift > 0 || horizontalFlip;
  }

  /** Augments one CHW image in place ({@code buf[offset ..]}), using {@code scratch}. */
  void apply(float[] buf, int offset, int channels, int side, Random random, float[] scratch) {
    int dx = maxShift == 0 ? 0 : random.nextInt(2 * maxShift + 1) - maxShift;
    int dy = maxShift == 0 ? 0 : random.nextInt(2 * maxShift + 1) - maxShift;
    boolean flip = horizontalFlip && random.nextBoolean();
    if (dx == 0 && dy == 0 && !flip) {
      return;
    }
    int plane = side * side;
    System.arraycopy(buf, offset, scratch, 0, channels * plane);
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < side; y++) {
        int sy = y - dy;
        for (int x = 0; x < side; x++) {
          int sx = (flip ? side - 1 - x : x) - dx;
          buf[offset + c * plane + y * side + x] =
              sy < 0 || sy >= side || sx < 0 || sx >= side
                  ? 0f
                  : scratch[c * plane + sy * side + sx];
        }
      }
    }
  }
}
