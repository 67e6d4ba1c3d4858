package io.lethe.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class RuntimeMetricsTest {
  @Test
  void aServiceRegistryServesJvmAndProcessMeters() {
    Metrics metrics = new Metrics("intake");
    metrics.counter("requests_received", "source", "http").increment();
    Set<String> names = exported(metrics.registry().scrape());
    assertThat(names)
        .contains(
            "jvm_memory_used_bytes",
            "jvm_memory_max_bytes",
            "jvm_gc_memory_allocated_bytes_total",
            "jvm_threads_live_threads",
            "jvm_threads_states_threads",
            "jvm_classes_loaded_classes",
            "jvm_info",
            "process_cpu_usage",
            "process_uptime_seconds",
            "process_start_time_seconds",
            "system_cpu_count",
            "lethe_intake_requests_received_total");
    if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      assertThat(names).contains("process_files_open_files", "process_files_max_files");
    }
    names.forEach(Metrics::checkExportedName);
  }

  @Test
  void kafkaClientMetricsAreBoundAndRemovedOnClose() throws Exception {
    Metrics metrics =
        new Metrics(
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
            "worker");
    Map<String, Object> common = Map.of("bootstrap.servers", "127.0.0.1:1");
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(common, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                    ConsumerConfig.GROUP_ID_CONFIG, "runtime-metrics-test"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
      AutoCloseable p = RuntimeMetrics.kafkaClient(metrics, producer);
      AutoCloseable c = RuntimeMetrics.kafkaClient(metrics, consumer);
      Set<String> names = exported(metrics.registry().scrape());
      assertThat(names).anyMatch(n -> n.startsWith("kafka_producer_"));
      assertThat(names).anyMatch(n -> n.startsWith("kafka_consumer_"));
      names.forEach(Metrics::checkExportedName);
      p.close();
      c.close();
      assertThat(exported(metrics.registry().scrape()))
          .noneMatch(n -> n.startsWith("kafka_producer_") || n.startsWith("kafka_consumer_"));
    }
  }

  @Test
  void theExportRuleExemptsOnlyMicrometersRuntimeFamilies() {
    assertThat(Metrics.checkExportedName("lethe_worker_job_duration_seconds_bucket"))
        .isEqualTo("lethe_worker_job_duration_seconds_bucket");
    assertThat(Metrics.checkExportedName("lethe_worker_checkpoint_bytes_count"))
        .isEqualTo("lethe_worker_checkpoint_bytes_count");
    assertThat(Metrics.checkExportedName("kafka_consumer_fetch_manager_records_lag")).isNotNull();
    for (String bad :
        new String[] {
          "lethe_worker_jobs", "lethe_Worker_jobs_total", "http_server_requests_seconds", "jvm"
        }) {
      assertThatThrownBy(() -> Metrics.checkExportedName(bad), bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Metric names of the samples in Prometheus text (comments skipped, labels cut). */
  static Set<String> exported(String text) {
    Set<String> names = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{');
      if (end < 0) {
        end = line.indexOf(' ');
      }
      names.add(line.substring(0, end));
    }
    return names;
  }
}
