package io.lethe.bench.unlearning;

import java.util.Locale;

/**
 * Mean and sample standard deviation (n − 1; 0 for a single value) of one quantity over seeds.
 *
 * @param n how many values
 */
public record MeanStd(double mean, double std, int n) {
  public static MeanStd of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to average");
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / values.length;
    if (values.length == 1) {
      return new MeanStd(mean, 0, 1);
    }
    double sq = 0;
    for (double v : values) {
      sq += (v - mean) * (v - mean);
    }
    return new MeanStd(mean, Math.sqrt(sq / (values.length - 1)), values.length);
  }

  /** "mean ± std" with {@code decimals} digits after the point. */
  public String format(int decimals) {
    String f = "%." + decimals + "f";
    return String.format(Locale.ROOT, f + " ± " + f, mean, std);
  }
}
