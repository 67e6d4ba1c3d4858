package io.lethe.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of deletion-event bodies for {@link MalformedInputIT}: valid events naming
 * subjects of {@link #CATALOG}, valid events naming only unknown subjects, valid JSON that breaks
 * {@code schemas/deletion-event.v1.json}, and bytes that are not (acceptable) JSON at all.
 *
 * <p>A generated value is a {@link Draft}: ids are unique per input, so they are given when the
 * draft is {@link Draft#render rendered} (by its sequence number), not by the generator, which
 * cannot promise uniqueness. Every input's eventId starts with its kind ({@code v-}, {@code u-},
 * {@code b-}), so a forget request naming a non-valid event gives itself away.
 */
final class MalformedInputs {
  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final String SHA = "sha256:" + "d".repeat(64);
  static final List<String> FACES = IntStream.rangeClosed(1, 40).mapToObj(i -> "s-" + i).toList();
  static final List<String> VOICES = IntStream.rangeClosed(1, 20).mapToObj(i -> "k-" + i).toList();

  /**
   * Two models on two datasets: {@code faces} knows {@link #FACES}, {@code voices} {@link #VOICES}.
   */
  static final String CATALOG = catalog();

  /**
   * Largest body a generator produces for the Kafka topic: a dead letter is a copy of the record,
   * and the test's dead-letter topic takes 256 KiB ({@link MalformedInputIT}); only the one
   * deliberate oversized record goes beyond.
   */
  static final int MAX_KAFKA_BYTES = 160 * 1024;

  /** What an input is, hence what the intake must do with it. */
  enum Kind {
    /** Known subjects: 202 / one forget request per affected model. */
    VALID,
    /** Valid, but no model knows any subject: 422 / dead letter {@code unprocessable}. */
    UNKNOWN,
    /** Valid JSON that breaks the schema: 400 / dead letter {@code schema}. */
    SCHEMA,
    /** Not JSON, or JSON the parser must refuse: 400 / dead letter {@code not_json} or schema. */
    BROKEN,
    /** No bytes (Kafka: null or empty value): 400 / dead letter {@code empty}. */
    EMPTY
  }

  /**
   * A rendered input.
   *
   * @param eventId the eventId it carries if it has one ({@code null} for broken bytes)
   * @param models the models a forget request must cover it for (VALID only)
   */
  record Body(Kind kind, String label, byte[] bytes, String eventId, Set<String> models) {}

  /** A generated input waiting for its unique id. */
  interface Draft {
    Body render(String id);
  }

  private final int maxBytes;

  /**
   * @param maxBytes bound on huge strings (see {@link #MAX_KAFKA_BYTES})
   */
  MalformedInputs(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Valid : unknown : schema : broken : empty, in percent. */
  static final int[] RATIO = {25, 10, 35, 27, 3};

  /** All kinds interleaved at {@link #RATIO}. */
  Arbitrary<Draft> drafts() {
    return Arbitraries.frequencyOf(
        Tuple.of(RATIO[0], valid()),
        Tuple.of(RATIO[1], unknown()),
        Tuple.of(RATIO[2], SchemaBreaches.drafts(specs(someFaces()))),
        Tuple.of(RATIO[3], BrokenJson.drafts(specs(someFaces()), maxBytes)),
        Tuple.of(RATIO[4], Arbitraries.just(id -> body(Kind.EMPTY, "empty", new byte[0], null))));
  }

  // ---------------------------------------------------------------- valid events

  /** The optional parts of an event, and its subjects. */
  record Spec(
      List<String> subjects,
      boolean restrictToModels,
      String method,
      Map<String, Object> hyperparameters,
      String reason,
      boolean correlation,
      String occurredAt,
      String source) {}

  static Arbitrary<Spec> specs(Arbitrary<List<String>> subjects) {
    // Hyperparameters a valid event may carry: keys both methods take, within the default
    // operator limits (LETHE_HYPERPARAMETER_LIMITS) of both; anything else is a 422.
    Arbitrary<Map<String, Object>> hyper =
        Combinators.combine(
                Arbitraries.integers().between(1, 10).injectNull(0.5),
                Arbitraries.doubles().between(1e-4, 0.1).ofScale(6).injectNull(0.5),
                Arbitraries.integers().between(16, 256).injectNull(0.5),
                Arbitraries.doubles().between(0, 0.9).injectNull(0.5),
                Arbitraries.integers().injectNull(0.5))
            .as(
                (epochs, lr, batch, momentum, seed) -> {
                  Map<String, Object> h = new java.util.TreeMap<>();
                  if (epochs != null) {
                    h.put("epochs", epochs);
                  }
                  if (lr != null) {
                    h.put("learningRate", lr);
                  }
                  if (batch != null) {
                    h.put("batchSize", batch);
                  }
                  if (momentum != null) {
                    h.put("momentum", momentum);
                  }
                  if (seed != null) {
                    h.put("seed", seed);
                  }
                  return h.isEmpty() ? null : h;
                });
    return Combinators.combine(
            subjects,
            Arbitraries.of(true, false),
            Arbitraries.of("dlfd", "retrain").injectNull(0.5),
            hyper,
            text(1, 300).injectNull(0.5),
            Arbitraries.of(true, false),
            Arbitraries.of(
                "2026-01-01T00:00:00Z",
                "2025-02-01T08:30:00.123Z",
                "2024-02-29T23:59:59+02:00",
                "1970-01-01T00:00:00Z",
                "2026-12-06T21:00:00.123456789Z"),
            Arbitraries.of("crm", "support-portal", "a", "erp/v2", "X.9_-"))
        .as(Spec::new);
  }

  /** Text for free-form fields: unicode beyond ASCII, emoji (surrogate pairs), escapes, NUL. */
  static Arbitrary<String> text(int min, int max) {
    return Arbitraries.of(
            "a", "Z", "0", " ", "é", "日本", "😀", "\u200b", "\u202e", "\t", "\n", "\"", "\\",
            "\u0000", "\uFEFF", "/")
        .list()
        .ofMinSize(min)
        .ofMaxSize(max)
        .map(parts -> String.join("", parts))
        .filter(s -> s.length() >= min && s.length() <= 1000);
  }

  Arbitrary<Draft> valid() {
    Arbitrary<List<String>> known =
        Arbitraries.oneOf(
            Arbitraries.of(FACES).set().ofMinSize(1).ofMaxSize(4).map(List::copyOf),
            Arbitraries.of(VOICES).set().ofMinSize(1).ofMaxSize(3).map(List::copyOf),
            Combinators.combine(Arbitraries.of(FACES), Arbitraries.of(VOICES)).as(List::of));
    Arbitrary<Integer> ghosts = Arbitraries.integers().between(0, 2);
    return Combinators.combine(specs(known), ghosts)
        .as(
            (spec, n) ->
                id -> {
                  List<String> subjects = new ArrayList<>(spec.subjects());
                  for (int i = 0; i < n; i++) {
                    subjects.add("ghost-" + id + "-" + i); // unknown, alongside known ones
                  }
                  Set<String> models = modelsOf(spec.subjects());
                  ObjectNode event = event("v-" + id, spec, subjects, models);
                  return body(Kind.VALID, "valid", bytes(event), "v-" + id, models);
                });
  }

  Arbitrary<Draft> unknown() {
    Arbitrary<Spec> ghostly =
        specs(Arbitraries.integers().between(1, 3).map(n -> List.of("?" + n)));
    return Combinators.combine(ghostly, Arbitraries.of(true, false))
        .as(
            (spec, wrongModel) ->
                id -> {
                  if (wrongModel) {
                    // A known subject, restricted to a model not trained on it.
                    ObjectNode event =
                        event("u-" + id, spec, List.of("s-1"), new TreeSet<>(Set.of("voices")));
                    event.set("modelIds", NODES.arrayNode().add("voices"));
                    return body(Kind.UNKNOWN, "unknown-in-model", bytes(event), "u-" + id);
                  }
                  int n = Integer.parseInt(spec.subjects().get(0).substring(1));
                  List<String> ghosts = new ArrayList<>();
                  for (int i = 0; i < n; i++) {
                    ghosts.add("nobody-" + id + "-" + i);
                  }
                  ObjectNode event = event("u-" + id, spec, ghosts, Set.of());
                  return body(Kind.UNKNOWN, "unknown-subjects", bytes(event), "u-" + id);
                });
  }

  /** One to three subjects of the faces model. */
  static Arbitrary<List<String>> someFaces() {
    return Arbitraries.of(FACES).set().ofMinSize(1).ofMaxSize(3).map(List::copyOf);
  }

  static Set<String> modelsOf(List<String> subjects) {
    Set<String> models = new TreeSet<>();
    for (String s : subjects) {
      if (FACES.contains(s)) {
        models.add("faces");
      }
      if (VOICES.contains(s)) {
        models.add("voices");
      }
    }
    return models;
  }

  static ObjectNode event(String eventId, Spec spec, List<String> subjects, Set<String> models) {
    ObjectNode e = NODES.objectNode();
    e.put("eventId", eventId);
    e.put("idempotencyKey", "key:" + eventId);
    if (spec.correlation()) {
      e.put("correlationId", "corr." + eventId);
    }
    e.put("occurredAt", spec.occurredAt());
    e.put("source", spec.source());
    ArrayNode s = e.putArray("subjectIds");
    subjects.forEach(s::add);
    if (spec.restrictToModels() && !models.isEmpty()) {
      ArrayNode m = e.putArray("modelIds");
      models.forEach(m::add);
    }
    if (spec.reason() != null) {
      e.put("reason", spec.reason());
    }
    if (spec.method() != null) {
      e.put("method", spec.method());
    }
    if (spec.hyperparameters() != null) {
      e.set("hyperparameters", JSON.valueToTree(spec.hyperparameters()));
    }
    return e;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Body body(Kind kind, String label, byte[] bytes, String eventId) {
    return new Body(kind, label, bytes, eventId, Set.of());
  }

  static Body body(Kind kind, String label, byte[] bytes, String eventId, Set<String> models) {
    return new Body(kind, label, bytes, eventId, Set.copyOf(models));
  }

  private static String catalog() {
    Map<String, Object> faces = new LinkedHashMap<>();
    FACES.forEach(s -> faces.put(s, List.of("f/" + s + ".png")));
    Map<String, Object> voices = new LinkedHashMap<>();
    VOICES.forEach(s -> voices.put(s, List.of("v/" + s + ".wav", "v/" + s + "-2.wav")));
    Map<String, Object> catalog =
        Map.of(
            "models",
            Map.of(
                "faces", Map.of("baseVersion", 2, "datasetId", "f"),
                "voices", Map.of("baseVersion", 5, "datasetId", "v")),
            "datasets",
            Map.of(
                "f", Map.of("version", SHA, "subjects", faces),
                "v", Map.of("version", SHA, "subjects", voices)));
    try {
      return JSON.writeValueAsString(catalog);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
