package io.lethe.embedded;

import io.lethe.api.Topics;
import io.lethe.infra.ConsumerGroups;
import io.lethe.intake.IntakeSettings;
import io.lethe.registry.service.RegistrySettings;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The serving mode's consumer groups: one stable group per service ({@code <prefix>-intake}, {@code
 * <prefix>-worker}, {@code <prefix>-evaluator}, {@code <prefix>-registry} and the registry's {@code
 * <prefix>-registry-audit}), so a restart resumes from the offsets committed before it and no
 * accepted deletion is lost. A group the broker does not know yet starts at the end of its topics
 * (a shared broker may hold other deployments' records); one with committed offsets is left alone.
 */
final class ServingGroups {
  /** The services' own default prefix ({@code lethe-intake}, {@code lethe-worker}, ...). */
  static final String DEFAULT_PREFIX = "lethe";

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");
  private static final long TIMEOUT_SECONDS = 30;

  private ServingGroups() {}

  static String requirePrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "consumer group prefix must be 1-200 of [A-Za-z0-9._-], got '" + prefix + "'");
    }
    return prefix;
  }

  static String group(String prefix, String service) {
    return prefix + "-" + service;
  }

  /** Each group and the topics it reads. */
  static Map<String, List<String>> topics(String prefix) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    out.put(group(prefix, IntakeSettings.SERVICE), List.of(Topics.DELETION_EVENTS));
    out.put(group(prefix, "worker"), List.of(Topics.FORGET_REQUESTS));
    out.put(group(prefix, "evaluator"), List.of(Topics.UNLEARNING_RESULTS));
    out.put(group(prefix, RegistrySettings.SERVICE), List.of(Topics.EVALUATIONS));
    out.put(
        group(prefix, RegistrySettings.SERVICE) + "-audit",
        List.of(Topics.INTAKE_LEDGER, Topics.UNLEARNING_RESULTS, Topics.EVALUATIONS));
    return out;
  }

  /**
   * Positions every group without committed offsets at the end of its topics (which must exist);
   * prints how many groups resume and how many are new.
   */
  static void positionNew(String bootstrapServers, String prefix, PrintStream log) {
    int resumed = 0;
    int fresh = 0;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      for (Map.Entry<String, List<String>> e : topics(prefix).entrySet()) {
        boolean committed =
            !admin
                .listConsumerGroupOffsets(e.getKey())
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .isEmpty();
        if (committed) {
          resumed++;
        } else {
          ConsumerGroups.startAtEnd(bootstrapServers, e.getKey(), e.getValue());
          fresh++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the consumer groups", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the consumer groups' offsets: " + e, e);
    }
    log.printf(
        "kafka: consumer groups %s-*: %d resume from committed offsets, %d new (start at the"
            + " topics' end)%n",
        prefix, resumed, fresh);
  }
}
