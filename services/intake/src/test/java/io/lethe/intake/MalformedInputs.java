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
import java.util.function.Function;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
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
        Tuple.of(RATIO[2], schemaBreaking()),
        Tuple.of(RATIO[3], broken()),
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

  Arbitrary<Spec> specs(Arbitrary<List<String>> subjects) {
    Arbitrary<Object> scalar =
        Arbitraries.oneOf(
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.doubles().between(-1e12, 1e12).map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            text(0, 40).map(s -> (Object) s));
    Arbitrary<Map<String, Object>> hyper =
        Arbitraries.maps(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(s -> "p" + s),
                scalar)
            .ofMinSize(1)
            .ofMaxSize(5)
            .injectNull(0.6);
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

  // ---------------------------------------------------------------- schema breaking

  /** A mutation of a valid event that the schema forbids. */
  record Mutation(String label, Function<ObjectNode, JsonNode> apply) {}

  Arbitrary<Draft> schemaBreaking() {
    return Combinators.combine(
            specs(Arbitraries.of(FACES).set().ofMinSize(1).ofMaxSize(3).map(List::copyOf)),
            mutations())
        .as(
            (spec, mutation) ->
                id -> {
                  ObjectNode event =
                      event("b-" + id, spec, spec.subjects(), modelsOf(spec.subjects()));
                  JsonNode broken = mutation.apply().apply(event);
                  return body(Kind.SCHEMA, "schema:" + mutation.label(), bytes(broken), "b-" + id);
                });
  }

  private static Mutation set(String label, String field, JsonNode value) {
    return new Mutation(
        label,
        e -> {
          e.set(field, value);
          return e;
        });
  }

  private static JsonNode j(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static ArrayNode strings(int n, String prefix) {
    ArrayNode a = NODES.arrayNode();
    for (int i = 0; i < n; i++) {
      a.add(prefix + i);
    }
    return a;
  }

  Arbitrary<Mutation> mutations() {
    List<String> required =
        List.of("eventId", "idempotencyKey", "occurredAt", "source", "subjectIds");
    List<String> ids = List.of("eventId", "idempotencyKey", "correlationId");
    List<JsonNode> badIds =
        List.of(
            j("\"\""),
            j("\"-x\""),
            j("\"a b\""),
            j("\"ü\""),
            j("\"x\\u0000\""),
            j("\"\\ud800\""),
            NODES.textNode("i" + "d".repeat(128)),
            j("42"),
            j("true"),
            j("[\"x\"]"),
            j("{}"),
            j("null"));
    List<JsonNode> badSubjects =
        List.of(
            j("\"\""),
            j("\" s-1\""),
            j("\"s-1 \""),
            j("\"a\\u0000b\""),
            j("\"a\\nb\""),
            j("\"\\u007f\""),
            NODES.textNode("s" + "x".repeat(256)),
            j("123"),
            j("null"),
            j("{\"a\":1}"),
            j("[\"s-1\"]"));
    List<Mutation> all = new ArrayList<>();
    for (String f : required) {
      all.add(new Mutation("missing " + f, e -> e.without(f)));
      all.add(set("null " + f, f, NODES.nullNode()));
    }
    for (String f : ids) {
      for (JsonNode v : badIds) {
        all.add(set("bad " + f, f, v));
      }
    }
    for (JsonNode v : badSubjects) {
      all.add(
          new Mutation(
              "bad subject",
              e -> {
                ((ArrayNode) e.get("subjectIds")).add(v);
                return e;
              }));
    }
    all.add(set("no subjects", "subjectIds", NODES.arrayNode()));
    all.add(set("1001 subjects", "subjectIds", strings(1001, "s-")));
    all.add(set("repeated subject", "subjectIds", j("[\"s-1\",\"s-1\"]")));
    all.add(set("subjects not an array", "subjectIds", j("\"s-1\"")));
    all.add(set("no models", "modelIds", NODES.arrayNode()));
    all.add(set("bad model id", "modelIds", j("[\"Faces\"]")));
    all.add(set("repeated model", "modelIds", j("[\"faces\",\"faces\"]")));
    all.add(set("101 models", "modelIds", strings(101, "m")));
    all.add(set("models not an array", "modelIds", j("\"faces\"")));
    for (String d :
        List.of(
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-01-01",
            "",
            "2026-01-01T00:00:00",
            "2026-02-30T00:00:00Z",
            "2026-01-01T25:00:00Z",
            "2026-01-01T00:00:00Z" + " ".repeat(60))) {
      all.add(set("bad date", "occurredAt", NODES.textNode(d)));
    }
    all.add(set("date as number", "occurredAt", j("1700000000")));
    for (String s : List.of("", "-crm", "a b", "s".repeat(65), "crm\n")) {
      all.add(set("bad source", "source", NODES.textNode(s)));
    }
    all.add(set("empty reason", "reason", NODES.textNode("")));
    all.add(set("long reason", "reason", NODES.textNode("r".repeat(1001))));
    all.add(set("reason not text", "reason", j("5")));
    for (JsonNode m :
        List.of(j("\"DLFD\""), j("\"sgd\""), j("1"), j("\"\""), j("null"), j("[\"dlfd\"]"))) {
      all.add(set("bad method", "method", m));
    }
    for (String h :
        List.of(
            "[]",
            "\"x\"",
            "{\"a\":{\"b\":1}}",
            "{\"a\":[1]}",
            "{\"a\":null}",
            "{\"1a\":1}",
            "{\"\":1}",
            "{\"a b\":1}",
            "7")) {
      all.add(set("bad hyperparameters", "hyperparameters", j(h)));
    }
    ObjectNode many = NODES.objectNode();
    IntStream.range(0, 33).forEach(i -> many.put("h" + i, i));
    all.add(set("33 hyperparameters", "hyperparameters", many));
    all.add(
        set(
            "long hyperparameter",
            "hyperparameters",
            NODES.objectNode().put("a", "v".repeat(257))));
    all.add(new Mutation("not an object: array", e -> NODES.arrayNode().add(e)));
    for (String top : List.of("[]", "\"text\"", "1", "null", "true", "{}")) {
      all.add(new Mutation("not an object: " + top, e -> j(top)));
    }
    Arbitrary<Mutation> extra =
        Combinators.combine(
                Arbitraries.strings()
                    .alpha()
                    .numeric()
                    .withChars("_-. é$")
                    .ofMinLength(1)
                    .ofMaxLength(20)
                    .filter(s -> !isField(s)),
                Arbitraries.of(j("1"), j("\"x\""), j("null"), j("[]"), j("{}")))
            .as((name, v) -> set("extra field", name, v));
    return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.of(all)), Tuple.of(1, extra));
  }

  private static boolean isField(String s) {
    return Set.of(
            "eventId",
            "idempotencyKey",
            "correlationId",
            "occurredAt",
            "source",
            "subjectIds",
            "modelIds",
            "reason",
            "method",
            "hyperparameters")
        .contains(s);
  }

  // ---------------------------------------------------------------- broken JSON

  Arbitrary<Draft> broken() {
    Arbitrary<Spec> spec =
        specs(Arbitraries.of(FACES).set().ofMinSize(1).ofMaxSize(3).map(List::copyOf));
    Arbitrary<Integer> cut = Arbitraries.integers().between(0, Integer.MAX_VALUE);
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
    Arbitrary<Integer> depth = Arbitraries.integers().between(900, 20_000);
    Arbitrary<Integer> huge = Arbitraries.integers().between(maxBytes / 4, maxBytes - 1024);
    Arbitrary<Byte> control = Arbitraries.bytes().between((byte) 0, (byte) 0x1f);
    Arbitrary<byte[]> badUtf8 =
        Arbitraries.of(
            new byte[] {(byte) 0xc3, 0x28},
            new byte[] {(byte) 0xff},
            new byte[] {(byte) 0xc0, (byte) 0xaf},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xe2, (byte) 0x82});
    Arbitrary<String> outOfRange =
        Arbitraries.of("1e400", "-1e400", "123456789012345678901234567890e999999999");
    Arbitrary<String> syntax =
        Arbitraries.of(" x", "}", ",", " /* c */", "\n{}", " null", " [", "\u0000");
    return Arbitraries.oneOf(
        Combinators.combine(spec, cut)
            .as(
                (s, at) ->
                    id -> {
                      byte[] full = bytes(valid("b-" + id, s));
                      int end = lastIndexOf(full, (byte) '}');
                      int n = 1 + Math.floorMod(at, Math.max(1, end - 1)); // never empty
                      return body(Kind.BROKEN, "truncated", slice(full, 0, n), "b-" + id);
                    }),
        noise.map(b -> id -> body(Kind.BROKEN, "random bytes", b, null)),
        depth.map(
            d ->
                id -> {
                  String open = "{\"a\":".repeat(d);
                  String json =
                      "{\"eventId\":\"b-"
                          + id
                          + "\",\"hyperparameters\":"
                          + open
                          + "1"
                          + "}".repeat(d + 1);
                  return body(Kind.BROKEN, "deep nesting", ascii(json), "b-" + id);
                }),
        depth.map(
            d ->
                id -> body(Kind.BROKEN, "deep arrays", ascii("[".repeat(d) + "]".repeat(d)), null)),
        Combinators.combine(
                spec, huge, Arbitraries.of("reason", "eventId", "source", "subject", "open"))
            .as(
                (s, n, where) ->
                    id -> {
                      ObjectNode e = valid("b-" + id, s);
                      String big = "x".repeat(n);
                      switch (where) {
                        case "subject" -> ((ArrayNode) e.get("subjectIds")).add(big + " ");
                        case "open" -> {
                          return body(
                              Kind.BROKEN,
                              "huge unterminated string",
                              ascii("{\"reason\":\"" + big),
                              "b-" + id);
                        }
                        default -> e.put(where, big);
                      }
                      return body(Kind.BROKEN, "huge string in " + where, bytes(e), "b-" + id);
                    }),
        Combinators.combine(spec, badUtf8)
            .as(
                (s, bad) ->
                    id ->
                        body(
                            Kind.BROKEN,
                            "invalid UTF-8",
                            splice(valid("b-" + id, s), "eventId", bad),
                            "b-" + id)),
        Combinators.combine(spec, control)
            .as(
                (s, c) ->
                    id ->
                        body(
                            Kind.BROKEN,
                            "raw control character",
                            splice(valid("b-" + id, s), "source", new byte[] {c}),
                            "b-" + id)),
        Combinators.combine(spec, Arbitraries.of("eventId", "subjectIds", "hyperparameters"))
            .as(
                (s, key) ->
                    id -> {
                      String first =
                          switch (key) {
                            case "eventId" -> "\"eventId\":\"b-" + id + "\",";
                            case "subjectIds" -> "\"subjectIds\":[\"s-1\"],";
                            default -> "\"method\":\"dlfd\",\"hyperparameters\":{\"a\":1,\"a\":2},";
                          };
                      ObjectNode e = valid("b-" + id, s);
                      if (key.equals("hyperparameters")) {
                        e.without(List.of("method", "hyperparameters"));
                      }
                      String out = "{" + first + e.toString().substring(1);
                      return body(Kind.BROKEN, "duplicate key " + key, ascii(out), "b-" + id);
                    }),
        Combinators.combine(spec, outOfRange)
            .as(
                (s, number) ->
                    id -> {
                      String json = valid("b-" + id, s).without("hyperparameters").toString();
                      String out =
                          json.substring(0, json.length() - 1)
                              + ",\"hyperparameters\":{\"alpha\":"
                              + number
                              + "}}";
                      return body(
                          Kind.BROKEN, "number out of range " + number, ascii(out), "b-" + id);
                    }),
        Combinators.combine(spec, syntax)
            .as(
                (s, tail) ->
                    id ->
                        body(
                            Kind.BROKEN,
                            "trailing " + tail.strip(),
                            ascii(valid("b-" + id, s).toString() + tail),
                            "b-" + id)),
        Combinators.combine(spec, Arbitraries.of("'", "NaN", "bom"))
            .as(
                (s, style) ->
                    id -> {
                      String json = valid("b-" + id, s).toString();
                      String out =
                          switch (style) {
                            case "'" -> json.replace('"', '\'');
                            case "NaN" -> json.substring(0, json.length() - 1) + ",\"reason\":NaN}";
                            default -> "\uFEFF" + json.substring(0, json.length() / 2);
                          };
                      return body(
                          Kind.BROKEN,
                          "not JSON: " + style,
                          out.getBytes(StandardCharsets.UTF_8),
                          "b-" + id);
                    }));
  }

  /** A valid event shape whose id marks it as bad (b-): the caller breaks it. */
  private static ObjectNode valid(String eventId, Spec s) {
    ObjectNode e = event(eventId, s, s.subjects(), modelsOf(s.subjects()));
    e.without("reason"); // room for the breakage in the size budget
    return e;
  }

  /**
   * The JSON text of {@code e} with {@code insert} placed inside the string value of {@code field}.
   */
  private static byte[] splice(ObjectNode e, String field, byte[] insert) {
    byte[] json = bytes(e);
    byte[] marker = ascii("\"" + field + "\":\"");
    int at = indexOf(json, marker) + marker.length + 1;
    byte[] out = new byte[json.length + insert.length];
    System.arraycopy(json, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(json, at, out, at + insert.length, json.length - at);
    return out;
  }

  private static int indexOf(byte[] in, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= in.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (in[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("marker not found");
  }

  private static int lastIndexOf(byte[] in, byte b) {
    for (int i = in.length - 1; i >= 0; i--) {
      if (in[i] == b) {
        return i;
      }
    }
    return in.length;
  }

  private static byte[] slice(byte[] in, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(in, from, out, 0, out.length);
    return out;
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

  private static Body body(Kind kind, String label, byte[] bytes, String eventId) {
    return new Body(kind, label, bytes, eventId, Set.of());
  }

  private static Body body(
      Kind kind, String label, byte[] bytes, String eventId, Set<String> models) {
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
