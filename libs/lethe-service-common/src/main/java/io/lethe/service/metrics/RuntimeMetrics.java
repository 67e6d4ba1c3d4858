package io.lethe.service.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Micrometer's standard runtime meters on a service's registry, beside its {@code lethe_*} meters:
 *
 * <ul>
 *   <li>JVM: {@code jvm_memory_*} (heap and non-heap pools, buffers), {@code jvm_gc_*} (pauses,
 *       allocation, promotion), {@code jvm_threads_*}, {@code jvm_classes_*}, {@code jvm_info};
 *   <li>process and host: {@code process_cpu_usage}, {@code process_uptime_seconds}, {@code
 *       process_start_time_seconds}, {@code process_files_open_files} / {@code _max_files}, {@code
 *       system_cpu_usage}, {@code system_cpu_count}, {@code system_load_average_1m};
 *   <li>Kafka clients ({@link #kafkaClient}): {@code kafka_producer_*} and {@code kafka_consumer_*}
 *       from the client's own metrics, tagged {@code client_id} (e.g. request rates, record send
 *       rates, fetch latency, connection counts), bound by {@code ContractProducer} and {@code
 *       ContractConsumer} when given the service's {@link Metrics}.
 * </ul>
 *
 * Their names are Micrometer's, not {@code lethe_<stage>_<what>_<unit>}: {@link
 * Metrics#checkExportedName} accepts the {@code jvm_}, {@code process_}, {@code system_} and {@code
 * kafka_} families and keeps {@code lethe_*} strict.
 */
public final class RuntimeMetrics {
  /**
   * The Kafka client meters a service exports, by Micrometer name: a client registers a few hundred
   * (per broker node, topic and partition), which made one {@code /metrics} answer megabytes. These
   * are the ones the dashboard and the runbook read.
   */
  public static final Set<String> KAFKA_CLIENT_METERS =
      Set.of(
          "kafka.producer.record.send.total",
          "kafka.producer.record.error.total",
          "kafka.producer.request.latency.avg",
          "kafka.consumer.fetch.manager.records.consumed.total",
          "kafka.consumer.fetch.manager.records.lag.max",
          "kafka.consumer.coordinator.rebalance.total");

  /** Denies every {@code kafka.*} meter but {@link #KAFKA_CLIENT_METERS}. */
  public static final MeterFilter KAFKA_CLIENT_FILTER =
      MeterFilter.denyUnless(
          id -> !id.getName().startsWith("kafka.") || KAFKA_CLIENT_METERS.contains(id.getName()));

  private RuntimeMetrics() {}

  /**
   * Binds the JVM and process meters to {@code registry}. The GC binder listens to GC notifications
   * for the life of the JVM (a service's registry lives as long).
   */
  public static void bindJvmAndProcess(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    List<MeterBinder> binders =
        List.of(
            new JvmMemoryMetrics(),
            new JvmGcMetrics(),
            new JvmThreadMetrics(),
            new ClassLoaderMetrics(),
            new JvmInfoMetrics(),
            new ProcessorMetrics(),
            new UptimeMetrics(),
            new FileDescriptorMetrics());
    for (MeterBinder binder : binders) {
      binder.bindTo(registry);
    }
  }

  /**
   * Binds a Kafka producer's client metrics ({@code kafka_producer_*}); close the result when the
   * producer closes (it stops the binder's refresh and removes the meters).
   */
  public static AutoCloseable kafkaClient(Metrics metrics, Producer<?, ?> producer) {
    KafkaClientMetrics binder = new KafkaClientMetrics(producer);
    binder.bindTo(metrics.meterRegistry());
    return binder;
  }

  /** Binds a Kafka consumer's client metrics ({@code kafka_consumer_*}); close it likewise. */
  public static AutoCloseable kafkaClient(Metrics metrics, Consumer<?, ?> consumer) {
    KafkaClientMetrics binder = new KafkaClientMetrics(consumer);
    binder.bindTo(metrics.meterRegistry());
    return binder;
  }
}
