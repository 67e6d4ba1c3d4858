package io.lethe.cli.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.style.Styler;

/**
 * The DLFD paper's Figure 3: per model, overlapping histograms of per-sample losses on the forget
 * set and on unseen data. A model that has forgotten shows two matching distributions. Losses are
 * plotted as log10 so that memorised (near-zero) losses stay visible next to large ones.
 */
public final class LossHistogramChart {
  private static final int BINS = 30;
  private static final double FLOOR = 1e-6;

  private LossHistogramChart() {}

  /** One panel's data. */
  public record Panel(String title, double[] forgetLosses, double[] unseenLosses) {}

  /** Writes one PNG with a panel per model, side by side. */
  public static void write(Path png, List<Panel> panels) throws IOException {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Panel p : panels) {
      for (double[] losses : new double[][] {p.forgetLosses(), p.unseenLosses()}) {
        for (double l : losses) {
          double v = Math.log10(Math.max(l, FLOOR));
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (!(max > min)) {
      max = min + 1;
    }
    List<BufferedImage> images = new ArrayList<>();
    for (Panel p : panels) {
      images.add(BitmapEncoder.getBufferedImage(chart(p, min, max)));
    }
    int width = images.stream().mapToInt(BufferedImage::getWidth).sum();
    int height = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int x = 0;
    for (BufferedImage img : images) {
      g.drawImage(img, x, 0, null);
      x += img.getWidth();
    }
    g.dispose();
    ImageIO.write(out, "png", png.toFile());
  }

  private static CategoryChart chart(Panel p, double min, double max) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(480)
            .height(360)
            .title(p.title())
            .xAxisTitle("log10(loss)")
            .yAxisTitle("fraction of samples")
            .build();
    chart.getStyler().setOverlapped(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setXAxisDecimalPattern("0.0");
    chart.getStyler().setXAxisLabelRotation(90);
    chart
        .getStyler()
        .setSeriesColors(new Color[] {new Color(220, 60, 60, 160), new Color(60, 110, 220, 160)});
    chart.getStyler().setAvailableSpaceFill(0.95);
    addSeries(chart, "forget", p.forgetLosses(), min, max);
    addSeries(chart, "unseen", p.unseenLosses(), min, max);
    return chart;
  }

  private static void addSeries(
      CategoryChart chart, String name, double[] losses, double min, double max) {
    List<Double> logs = new ArrayList<>(losses.length);
    for (double l : losses) {
      logs.add(Math.log10(Math.max(l, FLOOR)));
    }
    Histogram h = new Histogram(logs, BINS, min, max + 1e-9);
    List<Double> fractions = new ArrayList<>();
    for (Double count : h.getyAxisData()) {
      fractions.add(count / Math.max(1, losses.length));
    }
    chart.addSeries(name, h.getxAxisData(), fractions);
  }
}
