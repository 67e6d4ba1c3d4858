package io.lethe.format.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.format.model.ModelFormat;
import java.io.UncheckedIOException;

/**
 * The JSON form of a {@link CheckpointManifest}: writing it, and reading it back with errors that
 * name the field at fault. Fields added after version 1 of the format get their defaults when a
 * manifest written before them is read.
 */
final class CheckpointManifestJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private CheckpointManifestJson() {}

  static String write(CheckpointManifest manifest) {
    try {
      return MAPPER.writeValueAsString(manifest);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CheckpointManifest read(String json) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CheckpointException(
          "checkpoint manifest is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new CheckpointException("checkpoint manifest must be a JSON object");
    }
    JsonNode version = tree.get("formatVersion");
    if (version == null || !version.isIntegralNumber()) {
      throw new CheckpointException(
          "checkpoint manifest has no integer formatVersion; expected "
              + CheckpointManifest.FORMAT_VERSION);
    }
    if (version.asLong() != CheckpointManifest.FORMAT_VERSION) {
      throw new CheckpointException(
          "unsupported checkpoint manifest formatVersion "
              + version
              + ": this build reads version "
              + CheckpointManifest.FORMAT_VERSION);
    }
    // Optional fields: absent in manifests written before they existed.
    if (!tree.has("format")) {
      ((ObjectNode) tree).put("format", ModelFormat.LETHE.wireName());
    }
    if (!tree.has("featuresOutput")) {
      ((ObjectNode) tree).putNull("featuresOutput");
    }
    try {
      return MAPPER.treeToValue(tree, CheckpointManifest.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new CheckpointException("invalid checkpoint manifest: " + cause.getMessage(), e);
    } catch (JsonMappingException e) {
      throw new CheckpointException(
          "invalid checkpoint manifest" + fieldPath(e) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new CheckpointException("invalid checkpoint manifest: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("invalid checkpoint manifest: " + e.getMessage(), e);
    }
  }

  /** Where in the manifest a mapping error sits, e.g. " at dataset.name", or "" if unknown. */
  private static String fieldPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "" : " at " + path;
  }
}
