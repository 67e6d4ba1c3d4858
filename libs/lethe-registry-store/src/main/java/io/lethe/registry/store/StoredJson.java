package io.lethe.registry.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * The JSON objects of a bucket (records, claims, histories): written with one mapper, and read with
 * errors that name the object, so a store never reports a serialisation failure two ways.
 */
final class StoredJson {
  private final Bucket bucket;
  private final ObjectMapper mapper;

  StoredJson(Bucket bucket, ObjectMapper mapper) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * {@code value} as JSON.
   *
   * @throws StoreException {@code could not serialise <what>: <cause>}
   */
  byte[] encode(Object value, String what) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new StoreException("could not serialise " + what + ": " + e, e);
    }
  }

  /**
   * The object at {@code key} (read as {@code bytes}) as a {@code type}.
   *
   * @throws CorruptObjectException {@code s3://bucket/key is not a valid <what>: <cause>}
   */
  <T> T decode(String key, byte[] bytes, Class<T> type, String what) {
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptObjectException(bucket.where(key) + " is not a valid " + what + ": " + e);
    }
  }

  /**
   * The field {@code name} of the JSON object {@code bytes} as text; empty if absent or not JSON.
   */
  String text(byte[] bytes, String name) {
    try {
      return mapper.readTree(bytes).path(name).asText("");
    } catch (IOException e) {
      return "";
    }
  }
}
