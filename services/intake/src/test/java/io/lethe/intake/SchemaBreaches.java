package io.lethe.intake;

import static io.lethe.intake.MalformedInputs.JSON;
import static io.lethe.intake.MalformedInputs.NODES;
import static io.lethe.intake.MalformedInputs.body;
import static io.lethe.intake.MalformedInputs.bytes;
import static io.lethe.intake.MalformedInputs.event;
import static io.lethe.intake.MalformedInputs.modelsOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.intake.MalformedInputs.Draft;
import io.lethe.intake.MalformedInputs.Kind;
import io.lethe.intake.MalformedInputs.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Valid JSON that breaks {@code schemas/deletion-event.v1.json}: a valid event with one mutation (a
 * required field missing or null, bad ids, subjects, models, dates, sources, reasons, methods,
 * hyperparameters, extra fields, a top level that is not an object). For {@link MalformedInputIT}.
 */
final class SchemaBreaches {
  private SchemaBreaches() {}

  /** A mutation of a valid event that the schema forbids. */
  record Mutation(String label, Function<ObjectNode, JsonNode> apply) {}

  static Arbitrary<Draft> drafts(Arbitrary<Spec> specs) {
    return Combinators.combine(specs, mutations())
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

  static Arbitrary<Mutation> mutations() {
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
}
