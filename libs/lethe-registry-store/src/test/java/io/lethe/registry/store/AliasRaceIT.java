package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.MessageCodec;
import io.lethe.registry.store.AliasHistory.Action;
import io.lethe.registry.store.AliasHistory.Entry;
import io.minio.MinioClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alias moves by two stores with separate S3 clients (as two registry processes have), racing on
 * the real server.
 */
class AliasRaceIT {
  private static final String BUCKET = Fixtures.uniqueBucket("lethe-alias-race-it");
  private static final int PROMOTIONS = 30;
  private static final int ROLLBACKS = 10;
  private static MinioClient clientA;
  private static MinioClient clientB;
  private static ModelStore storeA;
  private static ModelStore storeB;

  @BeforeAll
  static void open() {
    clientA = Fixtures.client();
    clientB = Fixtures.client();
    storeA = new ModelStore(clientA, BUCKET);
    storeB = new ModelStore(clientB, BUCKET);
  }

  @AfterAll
  static void close() throws Exception {
    for (MinioClient c : new MinioClient[] {clientA, clientB}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** What one move answered: its history, or the exception it failed with. */
  private record Answer(String move, AliasHistory history, Throwable failure) {}

  @Test
  void fortyConcurrentMovesFromTwoStoresAreEachInTheFinalHistoryExactlyOnceInOrder()
      throws Exception {
    String model = "race";
    for (int v = 1; v <= PROMOTIONS; v++) {
      storeA.putVersion(model, Fixtures.original(new byte[] {(byte) v, 1, 2}).build());
    }
    // Every promotion targets its own version, so none is a no-op: each success writes one entry.
    List<Callable<Answer>> moves = new ArrayList<>();
    for (int v = 1; v <= PROMOTIONS; v++) {
      int version = v;
      ModelStore store = v % 2 == 0 ? storeA : storeB;
      moves.add(() -> answer("promote v" + version, () -> store.promote(model, "prod", version)));
    }
    for (int r = 0; r < ROLLBACKS; r++) {
      ModelStore store = r % 2 == 0 ? storeA : storeB;
      moves.add(() -> answer("rollback", () -> store.rollback(model, "prod")));
    }
    Collections.shuffle(moves, new Random(19));

    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Answer>> futures = new ArrayList<>();
    for (Callable<Answer> move : moves) {
      futures.add(
          threads.submit(
              () -> {
                go.await();
                return move.call();
              }));
    }
    go.countDown();
    List<Answer> answers = new ArrayList<>();
    for (Future<Answer> f : futures) {
      answers.add(f.get(120, TimeUnit.SECONDS));
    }
    threads.shutdown();

    AliasHistory last = storeB.aliasHistory(model, "prod").orElseThrow();
    List<Entry> history = last.entries();
    List<Answer> acknowledged = answers.stream().filter(a -> a.history() != null).toList();
    Set<Integer> positions = new HashSet<>();
    for (Answer a : acknowledged) {
      List<Entry> answered = a.history().entries();
      // The final history extends every answered one: the move is at its answered position.
      assertThat(history.subList(0, Math.min(answered.size(), history.size())))
          .as("%s answered %s", a.move(), answered)
          .isEqualTo(answered);
      positions.add(answered.size());
    }
    assertThat(positions)
        .as("one history position per acknowledged move")
        .hasSize(acknowledged.size());
    assertThat(history).hasSize(acknowledged.size()); // and no entry nobody was told about
    assertThat(history.stream().filter(e -> e.action() == Action.PROMOTE).map(Entry::version))
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.rangeClosed(1, PROMOTIONS).boxed().toList());
    // The only allowed failure: a rollback that found nothing to roll back to at its turn (no
    // alias yet, or no earlier target).
    assertThat(answers.stream().filter(a -> a.failure() != null))
        .allSatisfy(
            a -> {
              assertThat(a.move()).isEqualTo("rollback");
              assertThat(a.failure())
                  .isInstanceOfAny(IllegalStateException.class, NotFoundException.class)
                  .hasMessageFindingMatch("no earlier target|has no alias");
            });
    assertThat(storeA.resolve(model, "prod")).isEqualTo(last.current());
    System.out.printf(
        "alias race: %d of %d moves acknowledged, final history %d entries%n",
        acknowledged.size(), answers.size(), history.size());
  }

  @Test
  void aLegacySingleObjectHistoryIsReadAndExtended() throws Exception {
    String model = "legacy";
    storeA.putVersion(model, Fixtures.original(new byte[] {1}).build());
    storeA.putVersion(model, Fixtures.original(new byte[] {2}).build());
    AliasHistory legacy =
        new AliasHistory(
            model,
            "prod",
            List.of(new Entry(1, Instant.parse("2025-01-01T00:00:00Z"), Action.PROMOTE)));
    ObjectMapper mapper = MessageCodec.newObjectMapper();
    new Bucket(clientA, BUCKET)
        .put(ModelKeys.alias(model, "prod"), mapper.writeValueAsBytes(legacy), ModelStore.JSON);

    assertThat(storeB.aliasHistory(model, "prod")).hasValue(legacy);
    assertThat(storeB.promote(model, "prod", 2).entries())
        .extracting(Entry::version)
        .containsExactly(1, 2);
    assertThat(storeA.rollback(model, "prod").entries())
        .extracting(Entry::version)
        .containsExactly(1, 2, 1);
    assertThat(new Bucket(clientA, BUCKET).keys(ModelKeys.aliasEntries(model, "prod")))
        .containsExactly(
            ModelKeys.aliasEntry(model, "prod", 1), ModelKeys.aliasEntry(model, "prod", 2));
  }

  @Test
  void aConditionalPromotionIsDecidedAgainOnTheHistoryThatWonTheRace() {
    String model = "decide-again";
    for (int v = 1; v <= 3; v++) {
      storeA.putVersion(model, Fixtures.original(new byte[] {(byte) v}).build());
    }
    storeA.promote(model, "prod", 1);
    List<Integer> seen = new ArrayList<>();

    // While A decides on [1], B moves the alias to 3: A's write loses, A decides again on [1, 3].
    Optional<AliasHistory> after =
        storeA.promoteIf(
            model,
            "prod",
            2,
            history -> {
              int current = history.orElseThrow().current();
              seen.add(current);
              if (seen.size() == 1) {
                storeB.promote(model, "prod", 3);
              }
              return current < 2; // "only a newer version": no longer true after B's move
            });

    assertThat(seen).containsExactly(1, 3);
    assertThat(after).isEmpty();
    assertThat(storeA.aliasHistory(model, "prod").orElseThrow().entries())
        .extracting(Entry::version)
        .containsExactly(1, 3);
    assertThat(storeB.promoteIf(model, "prod", 2, history -> true).orElseThrow().entries())
        .extracting(Entry::version)
        .containsExactly(1, 3, 2);
  }

  private static Answer answer(String move, Callable<AliasHistory> call) {
    try {
      return new Answer(move, call.call(), null);
    } catch (Exception e) {
      return new Answer(move, null, e);
    }
  }
}
