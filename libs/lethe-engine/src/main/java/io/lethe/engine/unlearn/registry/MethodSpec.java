package io.lethe.engine.unlearn.registry;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A method as its flat settings describe it: its name, its one list of keys and how a config is
 * built from them. Settings are applied in the map's iteration order, so where two keys set the
 * same thing ({@code alpha} and {@code stepSize}) the later one wins.
 *
 * @param <B> the config builder the settings are applied to
 * @param <T> what {@link #build} makes (a config or a method)
 */
public final class MethodSpec<B, T> {
  private final String name;
  private final Supplier<B> newBuilder;
  private final Function<B, T> finish;
  private final Map<String, Setting<? super B>> settings;

  private MethodSpec(
      String name,
      Supplier<B> newBuilder,
      Function<B, T> finish,
      Map<String, Setting<? super B>> settings) {
    this.name = name;
    this.newBuilder = newBuilder;
    this.finish = finish;
    this.settings = Collections.unmodifiableMap(settings);
  }

  /**
   * @param name the method's name, used in errors
   * @param newBuilder a builder with the method's defaults
   * @param finish builds the result from a builder
   */
  public static <B, T> Builder<B, T> builder(
      String name, Supplier<B> newBuilder, Function<B, T> finish) {
    return new Builder<>(name, newBuilder, finish);
  }

  public String name() {
    return name;
  }

  /** The keys accepted, in declaration order. */
  public Set<String> keys() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(settings.keySet()));
  }

  /** The settings accepted, in declaration order. */
  public List<Setting<? super B>> settings() {
    return List.copyOf(settings.values());
  }

  /**
   * The method's defaults with {@code values} applied.
   *
   * @param values key → value (may be null or empty)
   * @throws UnknownSettingsException for a key this method does not accept
   * @throws SettingException for a value of the wrong type or out of range
   * @throws IllegalArgumentException (naming the method) when the values do not go together
   */
  public T build(Map<String, ?> values) {
    return finish(apply(newBuilder(), values));
  }

  /** A builder with the method's defaults. */
  public B newBuilder() {
    return newBuilder.get();
  }

  /**
   * Applies {@code values} to {@code builder}, refusing unknown keys.
   *
   * @throws UnknownSettingsException for a key this method does not accept
   * @throws SettingException for a value of the wrong type or out of range
   */
  public B apply(B builder, Map<String, ?> values) {
    Map<String, ?> v = values == null ? Map.of() : values;
    Set<String> unknown = new TreeSet<>(v.keySet());
    unknown.removeAll(settings.keySet());
    if (!unknown.isEmpty()) {
      throw new UnknownSettingsException(name, unknown, settings.keySet());
    }
    return applyKnown(builder, v);
  }

  /**
   * Applies the keys of {@code values} this method accepts to {@code builder} and ignores the
   * others (for settings recorded by another run, such as a parent checkpoint's).
   *
   * @throws SettingException for a value of the wrong type or out of range
   */
  public B applyKnown(B builder, Map<String, ?> values) {
    if (values != null) {
      values.forEach(
          (k, raw) -> {
            Setting<? super B> s = settings.get(k);
            if (s != null) {
              s.apply(name, builder, raw);
            }
          });
    }
    return builder;
  }

  /** Builds from {@code builder}, naming the method when the values do not go together. */
  public T finish(B builder) {
    try {
      return finish.apply(builder);
    } catch (SettingException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /** Collects a method's settings; a key may be declared once. */
  public static final class Builder<B, T> {
    private final String name;
    private final Supplier<B> newBuilder;
    private final Function<B, T> finish;
    private final Map<String, Setting<? super B>> settings = new LinkedHashMap<>();

    private Builder(String name, Supplier<B> newBuilder, Function<B, T> finish) {
      this.name = Objects.requireNonNull(name, "name");
      this.newBuilder = Objects.requireNonNull(newBuilder, "newBuilder");
      this.finish = Objects.requireNonNull(finish, "finish");
    }

    public Builder<B, T> add(Setting<? super B> setting) {
      if (settings.putIfAbsent(setting.name(), setting) != null) {
        throw new IllegalStateException(name + " declares " + setting.name() + " twice");
      }
      return this;
    }

    /** Adds {@link Setting#integer}. */
    public Builder<B, T> integer(String name, String description, BiConsumer<B, Integer> applier) {
      return add(Setting.integer(name, description, applier));
    }

    /** Adds {@link Setting#number}. */
    public Builder<B, T> number(String name, String description, BiConsumer<B, Double> applier) {
      return add(Setting.number(name, description, applier));
    }

    /** Adds {@link Setting#floating}. */
    public Builder<B, T> floating(String name, String description, BiConsumer<B, Float> applier) {
      return add(Setting.floating(name, description, applier));
    }

    /** Adds {@link Setting#bool}. */
    public Builder<B, T> bool(String name, String description, BiConsumer<B, Boolean> applier) {
      return add(Setting.bool(name, description, applier));
    }

    public Builder<B, T> addAll(Collection<? extends Setting<? super B>> all) {
      all.forEach(this::add);
      return this;
    }

    public MethodSpec<B, T> build() {
      return new MethodSpec<>(name, newBuilder, finish, new LinkedHashMap<>(settings));
    }
  }
}
