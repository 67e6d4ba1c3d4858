package io.lethe.bench.intake;

import io.lethe.intake.IntakeSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of {@code lethe-bench intake}: event counts, HTTP clients, window and broker. */
final class IntakeOptions {
  @Option(names = "--events", description = "Events in the backlog (default ${DEFAULT-VALUE}).")
  int events = 100_000;

  @Option(names = "--http-events", description = "Events posted over HTTP (${DEFAULT-VALUE}).")
  int httpEvents = 20_000;

  @Option(names = "--http-clients", description = "Concurrent HTTP clients (${DEFAULT-VALUE}).")
  int httpClients = 16;

  @Option(names = "--subjects", description = "Subjects of the one model (${DEFAULT-VALUE}).")
  int subjects = 1_000;

  @Option(
      names = "--window",
      description = "Coalescing window, ISO-8601 (default ${DEFAULT-VALUE}: the intake's default).")
  Duration window = IntakeSettings.DEFAULT_WINDOW;

  @Option(
      names = "--bootstrap",
      description = "An existing broker; default: a local one started under --dir.")
  String bootstrap;

  @Option(names = "--dir", description = "Scratch folder (default ${DEFAULT-VALUE}).")
  Path dir = Path.of("target", "intake-bench");

  @Option(names = "--out", description = "Also write the table to this Markdown file.")
  Path out;
}
