package io.lethe.service.failure;

import io.vertx.ext.web.handler.HttpException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;

/**
 * Decides whether a failure is <em>transient</em> (an outage worth waiting out: retry the same
 * record later) or <em>permanent</em> (a verdict: retrying fails the same way, so the record is
 * dead-lettered or answered with a failure). One policy for every stage, so that a raw {@code
 * ConnectException} wrapped in an {@code IllegalStateException} by some library is not mistaken for
 * a bad request by one service and waited out by another.
 *
 * <p>The whole cause chain is walked (and suppressed exceptions are not: they are side notes). A
 * failure is transient if any link is:
 *
 * <ul>
 *   <li>an {@link IOException} (connection refused or reset, unknown host, socket timeout, EOF in
 *       the middle of a response, ...), except a local {@link FileSystemException} (a missing file
 *       or a permission is not an outage);
 *   <li>a {@link TimeoutException} ({@code java.util.concurrent});
 *   <li>a Kafka {@link RetriableException} (which includes Kafka's own {@code TimeoutException},
 *       {@code NotLeaderOrFollowerException}, ...) or {@link ThrottlingQuotaExceededException};
 *   <li>an error carrying an HTTP status of 5xx, 429 (too many requests) or 408 (request timeout),
 *       where a status is known (Vert.x {@link HttpException}, or a {@link #orStatusOf status
 *       extractor} a service adds for its client library);
 *   <li>anything a service adds with {@link #orTransientIf} (e.g. the worker's "a {@code
 *       StoreUnavailableException}": this module may not know the registry store).
 * </ul>
 *
 * Everything else is permanent. Instances are immutable; the {@code or...} methods return new ones.
 */
public final class FailureClassifier {
  private static final FailureClassifier DEFAULTS =
      new FailureClassifier(List.of(FailureClassifier::builtIn), List.of(FailureClassifier::vertx));

  private final List<Predicate<Throwable>> transients;
  private final List<Function<Throwable, OptionalInt>> statuses;

  private FailureClassifier(
      List<Predicate<Throwable>> transients, List<Function<Throwable, OptionalInt>> statuses) {
    this.transients = List.copyOf(transients);
    this.statuses = List.copyOf(statuses);
  }

  /** The built-in rules above. */
  public static FailureClassifier defaults() {
    return DEFAULTS;
  }

  /** Also transient: any link of the cause chain matching {@code predicate}. */
  public FailureClassifier orTransientIf(Predicate<Throwable> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    List<Predicate<Throwable>> more = new ArrayList<>(transients);
    more.add(predicate);
    return new FailureClassifier(more, statuses);
  }

  /** Also transient: any link that is an instance of {@code type}. */
  public FailureClassifier orTransientIfInstanceOf(Class<? extends Throwable> type) {
    Objects.requireNonNull(type, "type");
    return orTransientIf(type::isInstance);
  }

  /**
   * Reads an HTTP status from links of a type this module does not know (e.g. an S3 client's error
   * response); empty when the link carries none.
   */
  public FailureClassifier orStatusOf(Function<Throwable, OptionalInt> extractor) {
    Objects.requireNonNull(extractor, "extractor");
    List<Function<Throwable, OptionalInt>> more = new ArrayList<>(statuses);
    more.add(extractor);
    return new FailureClassifier(transients, more);
  }

  /** Whether {@code failure} is worth retrying (see the class comment). */
  public boolean isTransient(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      for (Predicate<Throwable> p : transients) {
        if (p.test(t)) {
          return true;
        }
      }
      for (Function<Throwable, OptionalInt> s : statuses) {
        OptionalInt status = s.apply(t);
        if (status.isPresent() && isTransientStatus(status.getAsInt())) {
          return true;
        }
      }
    }
    return false;
  }

  /** The negation of {@link #isTransient}. */
  public boolean isPermanent(Throwable failure) {
    return !isTransient(failure);
  }

  /** 5xx, 429 Too Many Requests, 408 Request Timeout. */
  public static boolean isTransientStatus(int status) {
    return status >= 500 && status <= 599 || status == 429 || status == 408;
  }

  private static boolean builtIn(Throwable t) {
    return t instanceof IOException && !(t instanceof FileSystemException)
        || t instanceof TimeoutException
        || t instanceof RetriableException
        || t instanceof ThrottlingQuotaExceededException;
  }

  private static OptionalInt vertx(Throwable t) {
    return t instanceof HttpException h ? OptionalInt.of(h.getStatusCode()) : OptionalInt.empty();
  }
}
