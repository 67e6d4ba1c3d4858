package io.lethe.service.http;

import io.lethe.api.ContractViolation;
import io.lethe.api.MessageCodec;
import io.lethe.api.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends an HTTP response with an RFC 9457 problem ({@code problem.v1}, {@code
 * application/problem+json}): the one way every service's API answers an error. The body is checked
 * against the contract like any message; a problem that breaks it (a request path too long for
 * {@code instance}) is sent without its {@code instance}, and if it still breaks it the status goes
 * out with no body.
 */
public final class ProblemResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

  /** The media type of a problem body. */
  public static final String PROBLEM_JSON = "application/problem+json";

  private final MessageCodec codec;

  public ProblemResponses(MessageCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /** A problem of type {@code about:blank}: the status says it all, {@code detail} says why. */
  public static Problem problem(int status, String title, String detail, String instance) {
    return new Problem("about:blank", title, status, detail, instance, null, null, null);
  }

  /** Ends {@code ctx}'s response with {@code problem}'s status and body. */
  public void send(RoutingContext ctx, Problem problem) {
    byte[] body = encode(problem);
    if (body == null && problem.instance() != null) {
      body = encode(withoutInstance(problem));
    }
    if (body == null) {
      ctx.response().setStatusCode(problem.status()).end();
      return;
    }
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader("content-type", PROBLEM_JSON)
        .end(Buffer.buffer(body));
  }

  private byte[] encode(Problem problem) {
    try {
      return codec.encode(problem);
    } catch (ContractViolation e) {
      LOG.warn("problem body invalid: {}", e.getMessage());
      return null;
    }
  }

  private static Problem withoutInstance(Problem p) {
    return new Problem(
        p.type(),
        p.title(),
        p.status(),
        p.detail(),
        null,
        p.violations(),
        p.requestId(),
        p.correlationId());
  }
}
