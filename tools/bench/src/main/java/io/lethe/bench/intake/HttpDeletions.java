package io.lethe.bench.intake;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts the benchmark's HTTP deletions to the intake's {@code POST /v1/deletions} from concurrent
 * clients; each must be answered 202 (the event is on the topic).
 *
 * @param httpEvents how many deletions to post
 * @param httpClients how many clients post them at once
 * @param token the bearer token with the submit scope
 */
record HttpDeletions(int httpEvents, int httpClients, String token, IntakePayloads payloads) {
  /**
   * Posts every deletion of {@code run} to the intake at {@code base}; returns how many were
   * accepted.
   */
  int postAll(String base, String run) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(httpClients);
    List<java.util.concurrent.Future<?>> all = new ArrayList<>();
    for (int c = 0; c < httpClients; c++) {
      all.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < httpEvents; i = next.getAndIncrement()) {
                  String body = payloads.httpEvent(run, i);
                  HttpResponse<Void> r =
                      http.send(
                          HttpRequest.newBuilder(URI.create(base + "/v1/deletions"))
                              .header("content-type", "application/json")
                              .header("Authorization", "Bearer " + token)
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.discarding());
                  if (r.statusCode() != 202) {
                    throw new IllegalStateException("POST answered " + r.statusCode());
                  }
                  accepted.incrementAndGet();
                }
                return null;
              }));
    }
    for (var f : all) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    return accepted.get();
  }
}
