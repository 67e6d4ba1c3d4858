package io.lethe.engine.unlearn.registry;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Keys a method does not know. A caller who mistyped a key and silently got the default would trust
 * a model that was not made the way they think, so unknown keys are refused, listing the accepted
 * ones.
 */
public final class UnknownSettingsException extends IllegalArgumentException {
  private final String method;
  private final SortedSet<String> unknown;
  private final SortedSet<String> accepted;

  UnknownSettingsException(String method, Set<String> unknown, Set<String> accepted) {
    this(method, new TreeSet<>(unknown), new TreeSet<>(accepted));
  }

  private UnknownSettingsException(
      String method, SortedSet<String> unknown, SortedSet<String> accepted) {
    super("unknown " + method + " setting(s) " + unknown + "; " + method + " accepts " + accepted);
    this.method = method;
    this.unknown = unknown;
    this.accepted = accepted;
  }

  public String method() {
    return method;
  }

  /** The keys refused, sorted. */
  public SortedSet<String> unknown() {
    return unknown;
  }

  /** The keys the method accepts, sorted. */
  public SortedSet<String> accepted() {
    return accepted;
  }
}
