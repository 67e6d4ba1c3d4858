package io.lethe.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.api.MessageCodec;
import io.lethe.engine.data.ImageDataset;
import io.lethe.engine.data.Sample;
import io.lethe.engine.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the intake's model catalog ({@link io.lethe.intake.JsonModelCatalog}'s JSON) for one model
 * from its dataset: every subject with training samples, and those samples. A stand-in until the
 * registry-backed catalog can answer the same question from the registry itself.
 */
public final class SubjectCatalog {
  private SubjectCatalog() {}

  /** The training samples of each subject of {@code dataset}, by subject id. */
  public static Map<String, List<String>> trainingSamplesBySubject(ImageDataset dataset) {
    Map<String, List<String>> bySubject = new TreeMap<>();
    for (Sample s : dataset.samples()) {
      if (s.split() == Split.TRAIN) {
        bySubject
            .computeIfAbsent(s.subjectId(), k -> new java.util.ArrayList<>())
            .add(s.sampleId());
      }
    }
    return bySubject;
  }

  /**
   * Writes the catalog naming {@code modelId} v{@code baseVersion}, trained on {@code dataset}.
   *
   * @return {@code file}
   */
  public static Path write(Path file, String modelId, int baseVersion, ImageDataset dataset)
      throws IOException {
    ObjectMapper json = MessageCodec.newObjectMapper();
    ObjectNode root = json.createObjectNode();
    ObjectNode model = root.putObject("models").putObject(modelId);
    model.put("baseVersion", baseVersion);
    model.put("datasetId", dataset.name());
    ObjectNode data = root.putObject("datasets").putObject(dataset.name());
    data.put("version", dataset.fingerprint());
    ObjectNode subjects = data.putObject("subjects");
    for (Map.Entry<String, List<String>> e : trainingSamplesBySubject(dataset).entrySet()) {
      ArrayNode samples = subjects.putArray(e.getKey());
      e.getValue().forEach(samples::add);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    return file;
  }
}
