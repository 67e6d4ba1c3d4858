package io.lethe.registry.store;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Moves of {@link ModelStore}'s aliases (promote, rollback) and their reads. Each move reads the
 * alias's newest entry, decides on its history and appends the next entry ({@link AliasLog}); a
 * move that loses the race to another writer decides again on the newer history, up to {@link
 * ModelStore#MAX_MOVE_ATTEMPTS} times. Only visible versions that were not purged are targets.
 */
final class AliasMoves {
  private final AliasLog aliases;
  private final VersionManifests manifests;
  private final ModelPurge purges;
  private final Clock clock;

  AliasMoves(AliasLog aliases, VersionManifests manifests, ModelPurge purges, Clock clock) {
    this.aliases = Objects.requireNonNull(aliases, "aliases");
    this.manifests = Objects.requireNonNull(manifests, "manifests");
    this.purges = Objects.requireNonNull(purges, "purges");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** See {@link ModelStore#promoteIf(String, String, int, AliasHistory.Note, Predicate)}. */
  Optional<AliasHistory> promoteIf(
      String modelId,
      String alias,
      int version,
      AliasHistory.Note note,
      Predicate<Optional<AliasHistory>> condition) {
    Objects.requireNonNull(note, "note");
    ModelKeys.requireName(alias, "alias");
    Objects.requireNonNull(condition, "condition");
    manifests.stored(modelId, version); // versions never become invisible: checked once
    purges.requireNotPurged(modelId, version);
    for (int attempt = 0; attempt < ModelStore.MAX_MOVE_ATTEMPTS; attempt++) {
      AliasLog.Head head = aliases.read(modelId, alias);
      Optional<AliasHistory> history = head.history();
      if (!condition.test(history)) {
        return Optional.empty();
      }
      if (history.isPresent() && history.get().current() == version) {
        return history;
      }
      AliasHistory.Entry entry =
          new AliasHistory.Entry(version, clock.instant(), AliasHistory.Action.PROMOTE, note);
      AliasHistory next =
          history
              .map(h -> h.with(entry))
              .orElseGet(() -> new AliasHistory(modelId, alias, List.of(entry)));
      if (aliases.append(head, next)) {
        return Optional.of(next);
      }
    }
    throw tooManyRaces(modelId, alias);
  }

  /** See {@link ModelStore#rollback(String, String, AliasHistory.Note, BiConsumer)}. */
  AliasHistory rollback(
      String modelId,
      String alias,
      AliasHistory.Note note,
      BiConsumer<AliasHistory, Integer> check) {
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(check, "check");
    ModelKeys.requireName(modelId, "modelId");
    ModelKeys.requireName(alias, "alias");
    for (int attempt = 0; attempt < ModelStore.MAX_MOVE_ATTEMPTS; attempt++) {
      AliasLog.Head head = aliases.read(modelId, alias);
      AliasHistory history = head.history().orElseThrow(() -> noAlias(modelId, alias));
      List<Integer> stack = history.rollbackStack();
      if (stack.size() < 2) {
        throw new IllegalStateException(
            "alias "
                + alias
                + " of model "
                + modelId
                + " has no earlier target to roll back to (it points at v"
                + history.current()
                + " since its first promotion)");
      }
      int target = stack.get(stack.size() - 2);
      manifests.stored(modelId, target);
      purges.requireNotPurged(modelId, target);
      check.accept(history, target);
      AliasHistory next =
          history.with(
              new AliasHistory.Entry(target, clock.instant(), AliasHistory.Action.ROLLBACK, note));
      if (aliases.append(head, next)) {
        return next;
      }
    }
    throw tooManyRaces(modelId, alias);
  }

  /**
   * The version {@code alias} points at.
   *
   * @throws NotFoundException if the alias does not exist
   */
  int resolve(String modelId, String alias) {
    return history(modelId, alias).orElseThrow(() -> noAlias(modelId, alias)).current();
  }

  /** The history of {@code alias}, if it was ever promoted. */
  Optional<AliasHistory> history(String modelId, String alias) {
    ModelKeys.requireName(modelId, "modelId");
    ModelKeys.requireName(alias, "alias");
    return aliases.read(modelId, alias).history();
  }

  private static NotFoundException noAlias(String modelId, String alias) {
    return new NotFoundException(
        "model " + modelId + " has no alias '" + alias + "'; promote a version first");
  }

  private static StoreUnavailableException tooManyRaces(String modelId, String alias) {
    return new StoreUnavailableException(
        "alias "
            + alias
            + " of model "
            + modelId
            + " was moved by other writers "
            + ModelStore.MAX_MOVE_ATTEMPTS
            + " times while this move was being written; try again",
        null);
  }
}
