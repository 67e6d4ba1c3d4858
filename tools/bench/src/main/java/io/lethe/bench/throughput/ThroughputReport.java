package io.lethe.bench.throughput;

import static io.lethe.bench.BenchLog.log;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lethe.engine.model.ComputeDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of a throughput run: every number (setup, machine, benchmarks) as the JSON file holds
 * it, and the rows of the Markdown table; {@link #write} prints the table and writes both files.
 */
final class ThroughputReport {
  private final Map<String, Object> results = new LinkedHashMap<>();
  private final List<String[]> rows = new ArrayList<>();

  /** Every number of the run, in the JSON file's order. */
  Map<String, Object> results() {
    return results;
  }

  /** Adds one section ({@code setup}, {@code machine}, {@code benchmarks}) to the results. */
  void put(String section, Object value) {
    results.put(section, value);
  }

  /** Adds one row to the Markdown table. */
  void row(String[] cells) {
    rows.add(cells);
  }

  /**
   * Prints the Markdown table and writes {@code throughput-<arch>-<side>[-gpuN].md} and {@code
   * .json} to {@code --output-dir}.
   */
  void write(ThroughputPlan plan) throws IOException {
    ThroughputOptions o = plan.options();
    Device device = plan.device();
    @SuppressWarnings("unchecked")
    Map<String, Object> machine = (Map<String, Object>) results.get("machine");
    StringBuilder md = new StringBuilder();
    md.append("# Engine throughput: ")
        .append(plan.architecture().cliName())
        .append(", ")
        .append(o.channels)
        .append("x")
        .append(o.side)
        .append("x")
        .append(o.side)
        .append(o.synthetic ? " (synthetic)" : " (Fashion-MNIST)")
        .append("\n\n");
    md.append("Stem measured: ")
        .append(plan.stem())
        .append(". Device: ")
        .append(ComputeDevice.of(device).name());
    md.append(".\n\n");
    md.append(
        "| Benchmark | Batch | Iterations (warm-up + timed) | Time per batch, ms / wall |"
            + " Throughput | Notes | Load (1 min) |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (String[] row : rows) {
      md.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    md.append("\nMachine: ");
    List<String> facts = new ArrayList<>();
    machine.forEach((k, v) -> facts.add(k + " = " + v));
    md.append(String.join("; ", facts)).append(".\n");
    String table = md.toString();
    System.out.println();
    System.out.println(table);

    Files.createDirectories(o.outputDir);
    // CPU results are named throughput-<arch>-<side>; GPU ones add which GPU.
    String base =
        "throughput-"
            + plan.architecture().cliName()
            + "-"
            + o.side
            + (device.isGpu() ? "-gpu" + device.getDeviceId() : "");
    Path mdPath = o.outputDir.resolve(base + ".md");
    Path jsonPath = o.outputDir.resolve(base + ".json");
    Files.writeString(mdPath, table, StandardCharsets.UTF_8);
    results.put("markdown", table);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(jsonPath.toFile(), results);
    log("wrote %s and %s", mdPath, jsonPath);
  }
}
