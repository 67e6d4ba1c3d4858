package io.lethe.intake;

import io.lethe.api.Headers;
import io.lethe.intake.MalformedInputs.Body;
import io.lethe.intake.MalformedInputs.Draft;
import io.lethe.intake.MalformedInputs.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of whole inputs for {@link MalformedInputIT}: HTTP requests (method, path,
 * content type, headers, body) with the statuses the intake may answer, and Kafka records (key,
 * headers, value) for the input topic.
 */
final class MalformedRequests {
  /** Header naming the input a Kafka record is, copied unchanged into its dead letter. */
  static final String INPUT_HEADER = "it-input";

  /**
   * One HTTP request.
   *
   * @param allowed the statuses that are right for it; 202 among them means "if accepted, it must
   *     be processed exactly once"
   */
  record HttpInput(
      String id,
      Body body,
      String method,
      String path,
      String contentType,
      Map<String, String> headers,
      Set<Integer> allowed) {}

  /** One Kafka record; {@code value == null} is a tombstone. */
  record KafkaInput(String id, Body body, byte[] key, byte[] value, List<Header> headers) {}

  record Header(String name, byte[] value) {}

  /** An input waiting for its unique id. */
  interface Draft2<T> {
    T render(String id);
  }

  private static final List<String> JSON_TYPES =
      List.of("application/json", "application/json; charset=utf-8", "Application/JSON");
  private static final List<String> OTHER_TYPES =
      List.of(
          "text/plain",
          "application/xml",
          "application/octet-stream",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=xyz",
          "application/json; charset=utf-16",
          "");

  private final MalformedInputs bodies;

  MalformedRequests(MalformedInputs bodies) {
    this.bodies = bodies;
  }

  Arbitrary<Draft2<HttpInput>> http() {
    Arbitrary<Draft> drafts = bodies.drafts();
    Arbitrary<Map<String, String>> headers = headers();
    Arbitrary<Draft2<HttpInput>> json =
        Combinators.combine(drafts, Arbitraries.of(JSON_TYPES), headers)
            .as(
                (d, type, h) ->
                    id -> {
                      Body b = d.render(id);
                      return new HttpInput(
                          id, b, "POST", "/v1/deletions", type, h, expected(b.kind()));
                    });
    Arbitrary<Draft2<HttpInput>> otherType =
        Combinators.combine(drafts, Arbitraries.of(OTHER_TYPES), headers)
            .as(
                (d, type, h) ->
                    id -> {
                      Body b = d.render(id);
                      Set<Integer> allowed =
                          switch (b.kind()) {
                            case VALID -> Set.of(202, 400, 415);
                            case UNKNOWN -> Set.of(422, 400, 415);
                            default -> Set.of(400, 415);
                          };
                      return new HttpInput(
                          id, b, "POST", "/v1/deletions", type.isEmpty() ? null : type, h, allowed);
                    });
    Arbitrary<Draft2<HttpInput>> wrongMethod =
        Combinators.combine(drafts, Arbitraries.of("PUT", "PATCH", "DELETE", "GET"), headers)
            .as(
                (d, m, h) ->
                    id ->
                        new HttpInput(
                            id,
                            d.render(id),
                            m,
                            "/v1/deletions",
                            "application/json",
                            h,
                            Set.of(405)));
    Arbitrary<Draft2<HttpInput>> wrongPath =
        Combinators.combine(
                drafts,
                Arbitraries.of(
                    "/v1/deletion",
                    "/v1/Deletions",
                    "/v2/deletions",
                    "/",
                    "/v1",
                    "/v1/deletions/x"),
                headers)
            .as(
                (d, p, h) ->
                    id ->
                        new HttpInput(
                            id, d.render(id), "POST", p, "application/json", h, Set.of(404, 405)));
    Arbitrary<String> junk =
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40).filter(s -> !s.isBlank());
    Arbitrary<Draft2<HttpInput>> status =
        Combinators.combine(Arbitraries.of("/v1/deletions/", "/v1/requests/"), junk, headers)
            .as(
                (p, key, h) ->
                    id ->
                        new HttpInput(
                            id,
                            new Body(Kind.EMPTY, "status of an unknown id", null, null, Set.of()),
                            "GET",
                            p + java.net.URLEncoder.encode("nx-" + key, StandardCharsets.UTF_8),
                            null,
                            h,
                            Set.of(404)));
    Arbitrary<Draft2<HttpInput>> upload =
        Combinators.combine(drafts, headers)
            .as(
                (d, h) ->
                    id -> {
                      Body b = d.render(id);
                      return new HttpInput(
                          id,
                          new Body(
                              b.kind(),
                              "multipart file upload of " + b.label(),
                              multipart(b.bytes()),
                              b.eventId(),
                              b.models()),
                          "POST",
                          "/v1/deletions",
                          "multipart/form-data; boundary=" + BOUNDARY,
                          h,
                          Set.of(400, 415));
                    });
    return Arbitraries.frequencyOf(
        Tuple.of(78, json),
        Tuple.of(2, upload),
        Tuple.of(7, otherType),
        Tuple.of(5, wrongMethod),
        Tuple.of(4, wrongPath),
        Tuple.of(4, status));
  }

  static final String BOUNDARY = "lethe-it-boundary";

  /** A well-formed multipart body: {@code content} as a file part named {@code event.json}. */
  static byte[] multipart(byte[] content) {
    byte[] head =
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"event\"; filename=\"event.json\""
                + "\r\nContent-Type: application/json\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = content == null ? new byte[0] : content;
    byte[] out = new byte[head.length + body.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    System.arraycopy(tail, 0, out, head.length + body.length, tail.length);
    return out;
  }

  static Set<Integer> expected(Kind kind) {
    return switch (kind) {
      case VALID -> Set.of(202);
      case UNKNOWN -> Set.of(422);
      default -> Set.of(400);
    };
  }

  /** Random request headers: correlation ids good and bad, odd accepts, noise. */
  private static Arbitrary<Map<String, String>> headers() {
    Arbitrary<String> printable = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60);
    Arbitrary<String> correlation =
        Arbitraries.oneOf(printable, Arbitraries.of("corr-ok-1", "", "-bad", "x".repeat(200)));
    Arbitrary<String> accept =
        Arbitraries.of("*/*", "application/json", "text/html", "application/xml", "");
    return Combinators.combine(
            correlation.injectNull(0.5),
            accept.injectNull(0.5),
            printable.injectNull(0.7),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).injectNull(0.7))
        .as(
            (c, a, noise, name) -> {
              Map<String, String> h = new LinkedHashMap<>();
              if (c != null) {
                h.put(Headers.CORRELATION_ID, c.strip());
              }
              if (a != null) {
                h.put("Accept", a);
              }
              if (noise != null && name != null) {
                h.put("X-" + name, noise.strip());
              }
              return h;
            });
  }

  Arbitrary<Draft2<KafkaInput>> kafka() {
    Arbitrary<byte[]> randomKey = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<Integer> keyStyle = Arbitraries.integers().between(0, 2);
    Arbitrary<List<Header>> noise =
        Combinators.combine(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(100).injectNull(0.2))
            .as(Header::new)
            .list()
            .ofMaxSize(3);
    Arbitrary<Header> special =
        Arbitraries.of(
                new Header(Headers.CORRELATION_ID, "corr-k".getBytes(StandardCharsets.UTF_8)),
                new Header(Headers.CORRELATION_ID, new byte[] {(byte) 0xff, 0x00, 0x0a}),
                new Header(Headers.CORRELATION_ID, null),
                new Header(Headers.DLQ_REASON, "forged".getBytes(StandardCharsets.UTF_8)),
                new Header(Headers.SCHEMA, "forget-request.v1".getBytes(StandardCharsets.UTF_8)))
            .injectNull(0.6);
    Arbitrary<Boolean> tombstone = Arbitraries.of(true, false);
    return Combinators.combine(bodies.drafts(), keyStyle, randomKey, noise, special, tombstone)
        .as(
            (d, style, rk, hs, sp, tomb) ->
                id -> {
                  Body b = d.render(id);
                  byte[] key =
                      switch (style) {
                        case 0 -> null;
                        case 1 -> rk;
                        default ->
                            b.eventId() == null
                                ? null
                                : ("key:" + b.eventId()).getBytes(StandardCharsets.UTF_8);
                      };
                  List<Header> headers = new ArrayList<>(hs);
                  if (sp != null) {
                    headers.add(sp);
                  }
                  headers.add(new Header(INPUT_HEADER, id.getBytes(StandardCharsets.UTF_8)));
                  byte[] value = b.kind() == Kind.EMPTY && tomb ? null : b.bytes();
                  return new KafkaInput(id, b, key, value, headers);
                });
  }
}
