package io.lethe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The fixtures made by {@code
 * libs/lethe-test-utils/src/main/resources/torchscript/make_torchscript_fixtures.py}: a small
 * Fashion-MNIST CNN scripted, traced and wrapped to return (logits, features), with the logits
 * Python computed for eight test images.
 */
public final class TorchScriptFixture {
  private final JsonNode expected;

  public TorchScriptFixture() {
    try {
      expected = new ObjectMapper().readTree(file("expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixture file, e.g. "model.pt" or "model.json". */
  public static Path file(String name) {
    try {
      return Path.of(TorchScriptFixture.class.getResource("/torchscript/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource torchscript/" + name, e);
    }
  }

  /** The eight test images, pixels in [0,1], (8, 1, 28, 28). */
  public NDArray pixels(NDManager manager) {
    JsonNode px = expected.get("pixels");
    float[] values = new float[px.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = px.get(i).asInt() / 255f;
    }
    return manager.create(values, new Shape(8, 1, 28, 28));
  }

  /** Python's eval-mode logits of {@link #pixels}. */
  public float[][] logits() {
    return matrix("logits");
  }

  /** Python's eval-mode features of {@link #pixels} (the features module's output 1). */
  public float[][] features() {
    return matrix("features");
  }

  private float[][] matrix(String field) {
    JsonNode rows = expected.get(field);
    float[][] out = new float[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new float[rows.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = (float) rows.get(i).get(j).asDouble();
      }
    }
    return out;
  }
}
