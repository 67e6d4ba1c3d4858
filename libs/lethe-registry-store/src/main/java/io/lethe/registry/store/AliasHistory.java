package io.lethe.registry.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every target an alias has had, oldest first; the last entry is the current target. Kept whole so
 * that {@link ModelStore#rollback} knows where to go back to, and so an audit can tell which
 * version served when.
 *
 * @param entries never empty
 */
public record AliasHistory(String modelId, String alias, List<Entry> entries) {

  /** What moved the alias. */
  public enum Action {
    @JsonProperty("promote")
    PROMOTE,
    @JsonProperty("rollback")
    ROLLBACK
  }

  /** One move: from {@code at}, the alias pointed at {@code version}. */
  public record Entry(int version, Instant at, Action action) {
    @JsonCreator
    public Entry(
        @JsonProperty("version") int version,
        @JsonProperty("at") Instant at,
        @JsonProperty("action") Action action) {
      this.version = ModelKeys.requireVersion(version);
      this.at = Objects.requireNonNull(at, "at");
      this.action = Objects.requireNonNull(action, "action");
    }
  }

  @JsonCreator
  public AliasHistory(
      @JsonProperty("modelId") String modelId,
      @JsonProperty("alias") String alias,
      @JsonProperty("entries") List<Entry> entries) {
    this.modelId = ModelKeys.requireName(modelId, "modelId");
    this.alias = ModelKeys.requireName(alias, "alias");
    if (entries == null || entries.isEmpty()) {
      throw new IllegalArgumentException("alias " + alias + " has an empty history");
    }
    this.entries = List.copyOf(entries);
  }

  /** The version the alias points at now. */
  public int current() {
    return entries.get(entries.size() - 1).version();
  }

  /**
   * The targets a chain of rollbacks would return to, current last: each promotion pushes its
   * version, each rollback pops one. A rollback therefore undoes the latest promotion still in
   * effect, never a previous rollback (no ping-pong between two versions).
   */
  public List<Integer> rollbackStack() {
    List<Integer> stack = new ArrayList<>();
    for (Entry e : entries) {
      if (e.action() == Action.PROMOTE) {
        stack.add(e.version());
      } else if (stack.size() > 1) {
        stack.remove(stack.size() - 1);
      }
    }
    return stack;
  }

  AliasHistory with(Entry entry) {
    List<Entry> next = new ArrayList<>(entries);
    next.add(entry);
    return new AliasHistory(modelId, alias, next);
  }
}
