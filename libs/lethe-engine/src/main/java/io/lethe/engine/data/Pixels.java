package io.lethe.engine.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Pixel conversions used by the readers: decoded images to CHW unsigned bytes with the requested
 * number of channels, and square resizing.
 *
 * <p>Resizing is plain bilinear interpolation with half-pixel centres (the convention of PyTorch's
 * {@code align_corners=False}), without an antialiasing pre-filter. That is exact for upsampling
 * and adequate for the moderate downsampling of face crops (e.g. 128 to 64); strong downsampling
 * (more than 2x) aliases, so prefer datasets stored near the training resolution.
 */
final class Pixels {
  private Pixels() {}

  /**
   * CHW bytes of {@code img} at its own size. Grey output from colour uses ITU-R BT.601 luma (0.299
   * R + 0.587 G + 0.114 B); colour output from grey replicates the grey plane. Single-band images
   * are read from the raster directly, because {@link BufferedImage#getRGB} would apply a
   * linear-to-sRGB conversion to linear grey colour spaces and change the stored values.
   */
  static byte[] toChw(BufferedImage img, int channels) {
    int w = img.getWidth();
    int h = img.getHeight();
    int plane = w * h;
    byte[] out = new byte[channels * plane];
    Raster raster = img.getRaster();
    boolean grey = raster.getNumBands() == 1 && img.getColorModel().getNumComponents() == 1;
    if (grey) {
      int bits = img.getColorModel().getComponentSize(0);
      int max = (1 << bits) - 1;
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int v = bits == 8 ? row[x] : Math.round(row[x] * 255f / max);
          for (int c = 0; c < channels; c++) {
            out[c * plane + y * w + x] = (byte) v;
          }
        }
      }
      return out;
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = img.getRGB(x, y);
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        int p = y * w + x;
        if (channels == 1) {
          out[p] = (byte) Math.round(0.299f * r + 0.587f * g + 0.114f * b);
        } else {
          out[p] = (byte) r;
          out[plane + p] = (byte) g;
          out[2 * plane + p] = (byte) b;
        }
      }
    }
    return out;
  }

  /** Replicates a single grey plane into {@code channels} planes (a copy when channels is 1). */
  static byte[] replicate(byte[] grey, int channels) {
    byte[] out = new byte[grey.length * channels];
    for (int c = 0; c < channels; c++) {
      System.arraycopy(grey, 0, out, c * grey.length, grey.length);
    }
    return out;
  }

  /**
   * Bilinear resize of a {@code channels x h x w} CHW image to {@code channels x side x side}.
   * Returns a copy when the size already matches.
   */
  static byte[] resize(byte[] chw, int channels, int h, int w, int side) {
    if (h == side && w == side) {
      return chw.clone();
    }
    byte[] out = new byte[channels * side * side];
    float sy = (float) h / side;
    float sx = (float) w / side;
    int[] x0 = new int[side];
    int[] x1 = new int[side];
    float[] fx = new float[side];
    for (int x = 0; x < side; x++) {
      float src = Math.max(0f, Math.min(w - 1f, (x + 0.5f) * sx - 0.5f));
      x0[x] = (int) src;
      x1[x] = Math.min(x0[x] + 1, w - 1);
      fx[x] = src - x0[x];
    }
    for (int c = 0; c < channels; c++) {
      int in = c * h * w;
      int o = c * side * side;
      for (int y = 0; y < side; y++) {
        float src = Math.max(0f, Math.min(h - 1f, (y + 0.5f) * sy - 0.5f));
        int y0 = (int) src;
        int y1 = Math.min(y0 + 1, h - 1);
        float fy = src - y0;
        for (int x = 0; x < side; x++) {
          float a = chw[in + y0 * w + x0[x]] & 0xFF;
          float b = chw[in + y0 * w + x1[x]] & 0xFF;
          float cc = chw[in + y1 * w + x0[x]] & 0xFF;
          float d = chw[in + y1 * w + x1[x]] & 0xFF;
          float top = a + (b - a) * fx[x];
          float bottom = cc + (d - cc) * fx[x];
          int v = Math.round(top + (bottom - top) * fy);
          out[o + y * side + x] = (byte) Math.max(0, Math.min(255, v));
        }
      }
    }
    return out;
  }
}
