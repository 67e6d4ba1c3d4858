package io.lethe.intake;

import static io.lethe.intake.MalformedInputs.ascii;
import static io.lethe.intake.MalformedInputs.body;
import static io.lethe.intake.MalformedInputs.bytes;
import static io.lethe.intake.MalformedInputs.event;
import static io.lethe.intake.MalformedInputs.modelsOf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.intake.MalformedInputs.Draft;
import io.lethe.intake.MalformedInputs.Kind;
import io.lethe.intake.MalformedInputs.Spec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Bytes that are not JSON, or JSON the parser must refuse, built around valid events: truncations,
 * random bytes, deep nesting, huge strings, invalid UTF-8, raw control characters, duplicate keys,
 * numbers beyond a double's range, trailing tokens, JSON5-isms. For {@link MalformedInputIT}.
 */
final class BrokenJson {
  private BrokenJson() {}

  static Arbitrary<Draft> drafts(Arbitrary<Spec> spec, int maxBytes) {
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
}
