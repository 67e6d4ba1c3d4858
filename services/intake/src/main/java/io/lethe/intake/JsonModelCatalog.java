package io.lethe.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import io.lethe.config.ConfigException;
import io.lethe.intake.core.ModelCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A {@link ModelCatalog} read once from a JSON file ({@code INTAKE_MODEL_CATALOG}), checked at
 * start-up so a broken catalog stops the service instead of silently resolving nothing:
 *
 * <pre>{@code
 * {
 *   "models": {
 *     "mufac-resnet18": { "baseVersion": 3, "datasetId": "mufac" }
 *   },
 *   "datasets": {
 *     "mufac": {
 *       "version": "sha256:9f86...0a08",
 *       "subjects": { "subject-17": ["train/0017_01.png", "train/0017_02.png"] }
 *     }
 *   }
 * }
 * }</pre>
 *
 * Subjects map to their sample ids because a forget request must name the samples to forget ({@code
 * forget-request.v1} requires {@code sampleIds}). Immutable and thread-safe.
 */
public final class JsonModelCatalog implements ModelCatalog {
  private static final Pattern MODEL_ID = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");
  private static final Pattern SHA256 = Pattern.compile("^sha256:[0-9a-f]{64}$");

  private final Map<String, ModelTarget> models;
  private final Map<String, Map<String, List<String>>> subjectsByDataset;

  private JsonModelCatalog(
      Map<String, ModelTarget> models, Map<String, Map<String, List<String>>> subjectsByDataset) {
    this.models = models;
    this.subjectsByDataset = subjectsByDataset;
  }

  /**
   * Reads and checks the catalog.
   *
   * @throws ConfigException naming the file and what is wrong with it
   */
  public static JsonModelCatalog load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read the model catalog " + file + ": " + e);
    }
    try {
      return parse(MessageCodec.newObjectMapper().readTree(bytes));
    } catch (IOException e) {
      throw new ConfigException("the model catalog " + file + " is not JSON: " + e.getMessage());
    } catch (ConfigException e) {
      throw new ConfigException("the model catalog " + file + " is invalid: " + e.getMessage());
    }
  }

  /** Parses a catalog document (see the class comment). */
  public static JsonModelCatalog parse(String json) {
    try {
      return parse(new ObjectMapper().readTree(json));
    } catch (IOException e) {
      throw new ConfigException("the model catalog is not JSON: " + e.getMessage());
    }
  }

  private static JsonModelCatalog parse(JsonNode root) {
    JsonNode datasetsNode = object(root, "datasets", "$");
    Map<String, Map<String, List<String>>> datasets = new LinkedHashMap<>();
    Map<String, String> versions = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = datasetsNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> d = it.next();
      String at = "$.datasets." + d.getKey();
      String version = d.getValue().path("version").asText("");
      if (!SHA256.matcher(version).matches()) {
        throw new ConfigException(at + ".version must be sha256:<64 hex>, got '" + version + "'");
      }
      versions.put(d.getKey(), version);
      Map<String, List<String>> subjects = new LinkedHashMap<>();
      JsonNode subjectsNode = object(d.getValue(), "subjects", at);
      for (Iterator<Map.Entry<String, JsonNode>> s = subjectsNode.fields(); s.hasNext(); ) {
        Map.Entry<String, JsonNode> subject = s.next();
        String sat = at + ".subjects['" + subject.getKey() + "']";
        if (!subject.getValue().isArray() || subject.getValue().isEmpty()) {
          throw new ConfigException(sat + " must be a non-empty array of sample ids");
        }
        List<String> samples = new ArrayList<>();
        for (JsonNode sample : subject.getValue()) {
          if (!sample.isTextual() || sample.asText().isEmpty()) {
            throw new ConfigException(sat + " must hold non-empty strings");
          }
          samples.add(sample.asText());
        }
        subjects.put(subject.getKey(), List.copyOf(new TreeSet<>(samples)));
      }
      datasets.put(d.getKey(), Collections.unmodifiableMap(subjects));
    }
    JsonNode modelsNode = object(root, "models", "$");
    Map<String, ModelTarget> models = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = modelsNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> m = it.next();
      String at = "$.models." + m.getKey();
      if (!MODEL_ID.matcher(m.getKey()).matches()) {
        throw new ConfigException(at + ": model id must match " + MODEL_ID.pattern());
      }
      JsonNode baseVersion = m.getValue().path("baseVersion");
      if (!baseVersion.canConvertToInt()
          || !baseVersion.isIntegralNumber()
          || baseVersion.asInt() < 1) {
        throw new ConfigException(at + ".baseVersion must be an integer >= 1");
      }
      String datasetId = m.getValue().path("datasetId").asText("");
      if (!datasets.containsKey(datasetId)) {
        throw new ConfigException(at + ".datasetId names no dataset: '" + datasetId + "'");
      }
      models.put(
          m.getKey(),
          new ModelTarget(m.getKey(), baseVersion.asInt(), datasetId, versions.get(datasetId)));
    }
    return new JsonModelCatalog(
        Collections.unmodifiableMap(models), Collections.unmodifiableMap(datasets));
  }

  private static JsonNode object(JsonNode parent, String field, String at) {
    JsonNode node = parent.path(field);
    if (!node.isObject()) {
      throw new ConfigException(at + "." + field + " must be an object");
    }
    return node;
  }

  /** Model ids in the catalog, sorted. */
  public Set<String> modelIds() {
    return models.keySet();
  }

  @Override
  public Resolution resolve(Collection<String> subjectIds, Collection<String> modelIds) {
    Set<String> known = new HashSet<>();
    List<Affected> affected = new ArrayList<>();
    for (ModelTarget model : models.values()) {
      if (modelIds != null && !modelIds.contains(model.modelId())) {
        continue;
      }
      Map<String, List<String>> subjects = subjectsByDataset.get(model.datasetId());
      SortedMap<String, List<String>> hit = new TreeMap<>();
      for (String subject : subjectIds) {
        List<String> samples = subjects.get(subject);
        if (samples != null) {
          hit.put(subject, samples);
          known.add(subject);
        }
      }
      if (!hit.isEmpty()) {
        affected.add(new Affected(model, Collections.unmodifiableSortedMap(hit)));
      }
    }
    TreeSet<String> unknown = new TreeSet<>(subjectIds);
    unknown.removeAll(known);
    return new Resolution(affected, List.copyOf(unknown));
  }
}
