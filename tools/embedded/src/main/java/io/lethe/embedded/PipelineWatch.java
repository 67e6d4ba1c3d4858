package io.lethe.embedded;

import io.lethe.api.ContractViolation;
import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.JobProgress;
import io.lethe.api.MessageCodec;
import io.lethe.api.Topics;
import io.lethe.api.UnlearningResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads what the pipeline says about one run: progress, results and evaluations carrying the run's
 * correlation id. Positioned at the end of every partition when created (before the run's event is
 * published), so it sees exactly what happens from then on and nothing older; no consumer group, so
 * it takes nothing from the services. Used from one thread.
 */
final class PipelineWatch implements AutoCloseable {
  /** What was seen for the run. */
  sealed interface Seen {}

  record Progress(JobProgress progress) implements Seen {}

  record Result(UnlearningResult result) implements Seen {}

  record Evaluation(EvaluationReportMessage report) implements Seen {}

  private static final Map<String, Class<? extends Record>> TYPES =
      Map.of(
          Topics.JOB_PROGRESS, JobProgress.class,
          Topics.UNLEARNING_RESULTS, UnlearningResult.class,
          Topics.EVALUATIONS, EvaluationReportMessage.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final MessageCodec codec = new MessageCodec();
  private final String correlationId;

  PipelineWatch(String bootstrapServers, String correlationId) {
    this.correlationId = correlationId;
    consumer = TopicTail.fromNow(bootstrapServers, "lethe-pipeline-watch", TYPES.keySet());
  }

  /** The run's records that arrived within {@code timeout}, in arrival order. */
  List<Seen> poll(Duration timeout) {
    List<Seen> seen = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      Object value;
      try {
        value = codec.decode(r.value(), TYPES.get(r.topic()));
      } catch (ContractViolation e) {
        continue; // not ours to judge: the services dead-letter what they cannot read
      }
      if (value instanceof JobProgress p && correlationId.equals(p.correlationId())) {
        seen.add(new Progress(p));
      } else if (value instanceof UnlearningResult u && correlationId.equals(u.correlationId())) {
        seen.add(new Result(u));
      } else if (value instanceof EvaluationReportMessage e
          && correlationId.equals(e.correlationId())) {
        seen.add(new Evaluation(e));
      }
    }
    return seen;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
