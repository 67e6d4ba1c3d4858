package io.lethe.bench.intake;

import java.time.Duration;
import java.util.Locale;

/**
 * The intake benchmark's figures and their Markdown table.
 *
 * @param events events in the Kafka backlog
 * @param rawRate records/s of the raw producer on the same broker
 * @param kafkaRate events/s the intake read from the backlog (first event to last)
 * @param kafkaRequests forget requests covering the backlog
 * @param httpClients concurrent HTTP clients
 * @param posted deletions accepted over HTTP
 * @param httpRate HTTP deletions accepted per second
 * @param httpRequests forget requests covering the HTTP deletions
 * @param window the coalescing window
 * @param subjects subjects of the one model
 * @param firstSeconds from the intake's start to its first event read
 * @param drainSeconds from the intake's start to its group's commit of the whole backlog
 */
record IntakeFigures(
    int events,
    double rawRate,
    double kafkaRate,
    int kafkaRequests,
    int httpClients,
    int posted,
    double httpRate,
    int httpRequests,
    Duration window,
    int subjects,
    double firstSeconds,
    double drainSeconds) {

  /** The Markdown table with its note. */
  String table() {
    return String.format(
        Locale.ROOT,
        """
        | Path | Events | Events/s | × raw producer | Forget requests | Events per request |
        |---|---:|---:|---:|---:|---:|
        | Raw producer (acks=all), same broker | %,d | %,.0f | 1.00 | | |
        | Intake over Kafka (backlog; read) | %,d | %,.0f | %.2f | %d | %,.0f |
        | Intake over HTTP (%d clients; 202 = on the topic) | %,d | %,.0f | %.2f | %d | %,.0f |

        Window %s; one model, %,d subjects, one subject per event. Over Kafka, events/s is \
        from the first event read to the last (start-up took %.2f s); the whole backlog was \
        committed %.2f s after the start (%,.0f events/s including start-up and the last \
        window).
        """,
        events,
        rawRate,
        events,
        kafkaRate,
        kafkaRate / rawRate,
        kafkaRequests,
        events / (double) kafkaRequests,
        httpClients,
        posted,
        httpRate,
        httpRate / rawRate,
        httpRequests,
        posted / (double) Math.max(1, httpRequests),
        window,
        subjects,
        firstSeconds,
        drainSeconds,
        events / drainSeconds);
  }
}
