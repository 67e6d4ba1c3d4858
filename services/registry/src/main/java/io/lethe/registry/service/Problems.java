package io.lethe.registry.service;

import io.lethe.api.ContractViolation;
import io.lethe.api.MessageCodec;
import io.lethe.api.Problem;
import io.lethe.registry.store.CorruptObjectException;
import io.lethe.registry.store.NotFoundException;
import io.lethe.registry.store.PurgedException;
import io.lethe.registry.store.StoreException;
import io.lethe.registry.store.StoreUnavailableException;
import io.lethe.service.http.ProblemResponses;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure into the problem.v1 answer the client gets, in one place: bad input 400, unknown
 * things 404, conflicts 409, a corrupt object 500, the object store unreachable or overloaded 503
 * with {@code Retry-After} (the store says so with {@link StoreUnavailableException}, whatever the
 * SDK wrapped the network error in; the same request will succeed once S3 is back), any other
 * storage failure 500 (S3 refused the request: credentials, a missing bucket; retrying will not
 * help), anything else 500 (logged with its stack, since it is a bug).
 */
final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  static final String PROBLEM_JSON = ProblemResponses.PROBLEM_JSON;
  private static final int MAX_DETAIL = 8000;

  /** The problem type of a 503 while the object store is unreachable. */
  static final String UNAVAILABLE_TYPE = "https://lethe.dev/problems/storage-unavailable";

  /**
   * What a 503's {@code Retry-After} tells clients to wait, in seconds: short, since an outage
   * usually ends with a restart and the answer costs the registry one failed connection.
   */
  static final int RETRY_AFTER_SECONDS = 5;

  private final ProblemResponses responses;

  Problems(MessageCodec codec) {
    this.responses = new ProblemResponses(codec);
  }

  /** The problem for {@code failure} raised while answering the request at {@code instance}. */
  Problem of(Throwable failure, String instance) {
    if (failure instanceof ApiException api) {
      return api.toProblem(instance);
    }
    if (failure instanceof ContractViolation violation) {
      return Problem.badRequest(violation, instance);
    }
    if (failure instanceof PurgedException purged) {
      return problem(410, "Gone", purged.getMessage(), instance);
    }
    if (failure instanceof NotFoundException nf) {
      return problem(404, "Not Found", nf.getMessage(), instance);
    }
    if (failure instanceof CorruptObjectException corrupt) {
      LOG.error("corrupt object behind {}: {}", instance, corrupt.getMessage());
      return new Problem(
          "https://lethe.dev/problems/corrupt-object",
          "Stored object failed its integrity check",
          500,
          clip(corrupt.getMessage()),
          instance,
          null,
          null,
          null);
    }
    if (failure instanceof StoreUnavailableException outage) {
      LOG.warn("registry storage unavailable for {}: {}", instance, outage.getMessage());
      return new Problem(
          UNAVAILABLE_TYPE,
          "Registry storage unavailable",
          503,
          clip(outage.getMessage() + "; retry in " + RETRY_AFTER_SECONDS + " s"),
          instance,
          null,
          null,
          null);
    }
    if (failure instanceof StoreException store) {
      LOG.error("registry storage refused the request for {}: {}", instance, store.toString());
      return problem(500, "Registry storage failed", store.getMessage(), instance);
    }
    LOG.error("unexpected failure answering {}", instance, failure);
    return problem(500, "Internal Server Error", failure.toString(), instance);
  }

  /** Ends the response with {@code problem}; a 503 tells the client when to retry. */
  void send(RoutingContext ctx, Problem problem) {
    if (problem.status() == 503) {
      ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    responses.send(ctx, problem);
  }

  private static Problem problem(int status, String title, String detail, String instance) {
    return ProblemResponses.problem(status, title, clip(detail), instance);
  }

  static String clip(String text) {
    return clip(text, MAX_DETAIL);
  }

  static String clip(String text, int max) {
    if (text == null) {
      return null;
    }
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
