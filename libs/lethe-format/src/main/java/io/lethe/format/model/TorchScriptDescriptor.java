package io.lethe.format.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lethe.format.data.LabelSchema;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a TorchScript image classifier expects and returns: the JSON file that accompanies a {@code
 * .pt} module brought by the user (see {@code docs/torchscript.md}).
 *
 * <pre>{@code
 * {"formatVersion": 1,
 *  "input": {"channels": 1, "height": 28, "width": 28},
 *  "normalization": {"mean": [0.286], "std": [0.353]},
 *  "labels": ["T-shirt/top", "Trouser", ...],
 *  "multiLabel": false,
 *  "featuresOutput": 1}
 * }</pre>
 *
 * <p>The engine feeds the module {@code (pixels - mean) / std} per channel, pixels in [0,1]; the
 * module returns logits (N, labels) or a tuple whose element 0 is the logits. {@code
 * featuresOutput} (optional) is the index into that tuple of a (N, E) feature output, which DLFD
 * can measure instead of the logits. Only square inputs are supported (the engine's datasets are
 * square).
 *
 * @param channels input channels
 * @param side input height = width
 * @param normalization per-channel normalisation the engine applies before the module
 * @param labels label names in output order
 * @param featuresOutput index of the feature output in the module's tuple, or null if none
 */
public record TorchScriptDescriptor(
    int channels,
    int side,
    Normalization normalization,
    LabelSchema labels,
    Integer featuresOutput) {
  /** The descriptor format this build reads and writes. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Set<String> FIELDS =
      Set.of("formatVersion", "input", "normalization", "labels", "multiLabel", "featuresOutput");

  public TorchScriptDescriptor {
    Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(labels, "labels");
    if (channels < 1) {
      throw new IllegalArgumentException("input.channels must be positive, got " + channels);
    }
    if (normalization.channels() != channels) {
      throw new IllegalArgumentException(
          "normalization has "
              + normalization.channels()
              + " values per statistic but input.channels is "
              + channels);
    }
    if (side < 8) {
      throw new IllegalArgumentException("input height/width must be at least 8, got " + side);
    }
    if (featuresOutput != null && featuresOutput < 1) {
      throw new IllegalArgumentException(
          "featuresOutput must be an index >= 1 into the module's output tuple (0 is the logits),"
              + " got "
              + featuresOutput);
    }
  }

  /** The engine's model spec of a module with this descriptor. */
  public ModelSpec modelSpec() {
    return new ModelSpec(
        Architecture.TORCHSCRIPT, channels, side, labels.numOutputs(), normalization, false);
  }

  /** The descriptor of a checkpoint's model (the inverse of {@link #modelSpec()}). */
  public static TorchScriptDescriptor of(ModelSpec spec, LabelSchema labels, Integer features) {
    if (spec.architecture() != Architecture.TORCHSCRIPT) {
      throw new IllegalArgumentException(
          "not a TorchScript model spec: " + spec.architecture().cliName());
    }
    return new TorchScriptDescriptor(
        spec.channels(), spec.side(), spec.normalization(), labels, features);
  }

  /**
   * Parses a descriptor.
   *
   * @throws IllegalArgumentException naming the missing or wrong field
   */
  public static TorchScriptDescriptor fromJson(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "TorchScript descriptor is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("TorchScript descriptor must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException(
            "TorchScript descriptor has unknown field '" + name + "'; known: " + FIELDS);
      }
    }
    int version = integer(root, "formatVersion");
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "TorchScript descriptor formatVersion "
              + version
              + " is not supported; this build reads "
              + FORMAT_VERSION);
    }
    JsonNode input = object(root, "input");
    int channels = integer(input, "input.channels");
    int height = integer(input, "input.height");
    int width = integer(input, "input.width");
    if (height != width) {
      throw new IllegalArgumentException(
          "TorchScript descriptor input is "
              + height
              + "x"
              + width
              + ": only square inputs are supported (the engine's datasets are square)");
    }
    JsonNode norm = object(root, "normalization");
    Normalization normalization =
        new Normalization(floats(norm, "normalization.mean"), floats(norm, "normalization.std"));
    JsonNode labelsNode = require(root, "labels");
    if (!labelsNode.isArray()) {
      throw new IllegalArgumentException("TorchScript descriptor field 'labels' must be an array");
    }
    List<String> labels = new ArrayList<>();
    for (JsonNode l : labelsNode) {
      if (!l.isTextual() || l.asText().isBlank()) {
        throw new IllegalArgumentException(
            "TorchScript descriptor field 'labels' must hold non-blank strings, got " + l);
      }
      labels.add(l.asText());
    }
    JsonNode multi = root.get("multiLabel");
    if (multi != null && !multi.isBoolean()) {
      throw new IllegalArgumentException(
          "TorchScript descriptor field 'multiLabel' must be a boolean");
    }
    Integer features = root.has("featuresOutput") ? integer(root, "featuresOutput") : null;
    return new TorchScriptDescriptor(
        channels,
        height,
        normalization,
        new LabelSchema(labels, multi != null && multi.asBoolean()),
        features);
  }

  /** The descriptor as indented JSON, readable by {@link #fromJson}. */
  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("formatVersion", FORMAT_VERSION);
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("channels", channels);
    input.put("height", side);
    input.put("width", side);
    out.put("input", input);
    Map<String, Object> norm = new LinkedHashMap<>();
    norm.put("mean", normalization.mean());
    norm.put("std", normalization.std());
    out.put("normalization", norm);
    out.put("labels", labels.names());
    out.put("multiLabel", labels.multiLabel());
    if (featuresOutput != null) {
      out.put("featuresOutput", featuresOutput);
    }
    try {
      return MAPPER.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode require(JsonNode node, String path) {
    String field = path.substring(path.lastIndexOf('.') + 1);
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("TorchScript descriptor is missing field '" + path + "'");
    }
    return value;
  }

  private static JsonNode object(JsonNode node, String path) {
    JsonNode value = require(node, path);
    if (!value.isObject()) {
      throw new IllegalArgumentException(
          "TorchScript descriptor field '" + path + "' must be an object");
    }
    return value;
  }

  private static int integer(JsonNode node, String path) {
    JsonNode value = require(node, path);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new IllegalArgumentException(
          "TorchScript descriptor field '" + path + "' must be an integer, got " + value);
    }
    return value.asInt();
  }

  private static float[] floats(JsonNode node, String path) {
    JsonNode value = require(node, path);
    if (!value.isArray() || value.isEmpty()) {
      throw new IllegalArgumentException(
          "TorchScript descriptor field '" + path + "' must be a non-empty array of numbers");
    }
    float[] out = new float[value.size()];
    for (int i = 0; i < out.length; i++) {
      if (!value.get(i).isNumber()) {
        throw new IllegalArgumentException(
            "TorchScript descriptor field '" + path + "' must hold numbers, got " + value.get(i));
      }
      out[i] = (float) value.get(i).asDouble();
    }
    return out;
  }
}
