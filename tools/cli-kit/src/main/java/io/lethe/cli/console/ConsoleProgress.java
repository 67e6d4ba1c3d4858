package io.lethe.cli.console;

import io.lethe.engine.progress.ProgressEvent;
import io.lethe.engine.progress.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Draws one progress bar per engine stage on stderr, with elapsed time, ETA, loss and the current
 * forgetting-score estimate. Disabled, it prints nothing (for logs and CI).
 */
public final class ConsoleProgress implements ProgressListener {
  private final boolean enabled;
  private final PrintStream err;
  private ProgressBar bar;

  public ConsoleProgress(boolean enabled) {
    this(enabled, System.err);
  }

  ConsoleProgress(boolean enabled, PrintStream err) {
    this.enabled = enabled;
    this.err = err;
  }

  @Override
  public void stageStarted(String stage, long totalSteps) {
    if (!enabled) {
      return;
    }
    closeBar();
    bar =
        new ProgressBarBuilder()
            .setTaskName(String.format(Locale.ROOT, "%-8s", stage))
            .setInitialMax(totalSteps)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250)
            .setMaxRenderedLength(110)
            .continuousUpdate()
            .build();
  }

  @Override
  public void stepCompleted(ProgressEvent event) {
    if (bar == null) {
      return;
    }
    bar.stepTo(event.step());
    StringBuilder extra = new StringBuilder();
    if (!Double.isNaN(event.loss())) {
      extra.append(String.format(Locale.ROOT, "loss %.3f", event.loss()));
    }
    if (!Double.isNaN(event.forgettingScore())) {
      extra.append(
          String.format(
              Locale.ROOT,
              " fs %.3f%s",
              event.forgettingScore(),
              event.perturbed() ? " perturbing" : ""));
    }
    bar.setExtraMessage(extra.toString());
  }

  @Override
  public void stageFinished(String stage) {
    closeBar();
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
      err.flush();
    }
  }
}
