package io.lethe.registry.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
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

  /**
   * Who moved an alias and why, kept in the move's write-once entry so the record cannot be lost
   * between the move and the audit log.
   *
   * @param actor the API token's name, or {@code service:registry} for an automatic promotion
   * @param forced whether a refusal (failed gates, a completed forgetting) was overridden
   * @param reason why it was forced, or null
   */
  public record Note(String actor, boolean forced, String reason) {
    /** A move by a service on its own, not forced. */
    public static Note service(String name) {
      return new Note("service:" + name, false, null);
    }

    public Note {
      Objects.requireNonNull(actor, "actor");
      if (forced && (reason == null || reason.isBlank())) {
        throw new IllegalArgumentException("a forced move needs a reason");
      }
    }
  }

  /**
   * One move: from {@code at}, the alias pointed at {@code version}. {@code actor}, {@code forced}
   * and {@code reason} are null in entries written before they were recorded.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      int version, Instant at, Action action, String actor, Boolean forced, String reason) {
    @JsonCreator
    public Entry(
        @JsonProperty("version") int version,
        @JsonProperty("at") Instant at,
        @JsonProperty("action") Action action,
        @JsonProperty("actor") String actor,
        @JsonProperty("forced") Boolean forced,
        @JsonProperty("reason") String reason) {
      this.version = ModelKeys.requireVersion(version);
      this.at = Objects.requireNonNull(at, "at");
      this.action = Objects.requireNonNull(action, "action");
      this.actor = actor;
      this.forced = forced;
      this.reason = reason;
    }

    /** A move without a note. */
    public Entry(int version, Instant at, Action action) {
      this(version, at, action, null, null, null);
    }

    Entry(int version, Instant at, Action action, Note note) {
      this(version, at, action, note.actor(), note.forced() ? Boolean.TRUE : null, note.reason());
    }

    /** Whether a refusal was overridden for this move. */
    public boolean wasForced() {
      return Boolean.TRUE.equals(forced);
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
