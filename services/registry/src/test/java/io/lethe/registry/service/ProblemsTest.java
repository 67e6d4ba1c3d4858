package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.MessageCodec;
import io.lethe.api.Problem;
import io.lethe.registry.store.NotFoundException;
import io.lethe.registry.store.StoreException;
import io.lethe.registry.store.StoreUnavailableException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ProblemsTest {
  private final Problems problems = new Problems(new MessageCodec());

  @Test
  void anUnavailableStoreIsA503ThatSaysWhenToRetry() {
    Problem p =
        problems.of(
            new StoreUnavailableException(
                "could not get s3://b/k (java.net.ConnectException: Connection refused)",
                new ConnectException("Connection refused")),
            "/v1/models");

    assertThat(p.status()).isEqualTo(503);
    assertThat(p.type()).isEqualTo(Problems.UNAVAILABLE_TYPE);
    assertThat(p.detail()).contains("s3://b/k", "retry in " + Problems.RETRY_AFTER_SECONDS + " s");
  }

  @Test
  void aStorageRefusalOrABugIsA500AndAMissingThingA404() {
    assertThat(problems.of(new StoreException("AccessDenied: s3://b/k"), "/v1/models").status())
        .isEqualTo(500);
    assertThat(problems.of(new IllegalStateException("bug"), "/v1/models").status()).isEqualTo(500);
    assertThat(problems.of(new NotFoundException("no v9"), "/v1/models/m").status()).isEqualTo(404);
  }
}
