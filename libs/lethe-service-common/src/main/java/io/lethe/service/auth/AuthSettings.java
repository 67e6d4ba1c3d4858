package io.lethe.service.auth;

import io.lethe.config.ConfigException;
import io.lethe.config.Env;
import io.lethe.config.Field;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may call a service's HTTP API, read at start-up.
 *
 * <ul>
 *   <li>{@code LETHE_API_TOKENS_FILE}: path of a token file ({@link ApiTokens} format: {@code
 *       name:scope[,scope]:sha256:<hex>} per line), or {@code LETHE_API_TOKENS}: the same lines
 *       inline (one of the two; the {@code _FILE} form is the usual {@link Env} convention);
 *   <li>{@code LETHE_AUTH}: {@code on} (default) or {@code off}. With no token configured a service
 *       refuses to start unless {@code LETHE_AUTH=off} says, explicitly, that every caller may do
 *       everything (a local experiment); {@code off} with tokens configured is refused too, as a
 *       contradiction.
 * </ul>
 *
 * @param enabled whether requests must present a token
 * @param tokens the accepted tokens (empty when disabled)
 */
public record AuthSettings(boolean enabled, ApiTokens tokens) {
  public static final String TOKENS = "LETHE_API_TOKENS";
  public static final String TOKENS_FILE = "LETHE_API_TOKENS_FILE";
  public static final String AUTH = "LETHE_AUTH";

  /** {@code LETHE_AUTH}: {@code on} (default) or {@code off}, any case. */
  static final Field<Boolean> AUTH_FIELD =
      Field.of(
              AUTH,
              "on or off",
              v ->
                  switch (v.toLowerCase(Locale.ROOT)) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException(v);
                  })
          .optDefault(true);

  public AuthSettings {
    Objects.requireNonNull(tokens, "tokens");
    if (enabled && tokens.isEmpty()) {
      throw new ConfigException(
          "no API token is configured: set "
              + TOKENS_FILE
              + " (or "
              + TOKENS
              + ") to lines name:scope[,scope]:sha256:<hex>, or "
              + AUTH
              + "=off to let every caller do everything");
    }
    if (!enabled && !tokens.isEmpty()) {
      throw new ConfigException(
          AUTH + "=off but API tokens are configured: remove one or the other");
    }
  }

  /** Requests need one of {@code tokens}. */
  public static AuthSettings of(ApiTokens tokens) {
    return new AuthSettings(true, tokens);
  }

  /** No authentication: every request is {@link Principal#ANONYMOUS} (logged loudly at start). */
  public static AuthSettings off() {
    return new AuthSettings(false, ApiTokens.none());
  }

  public static AuthSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * @throws ConfigException naming the variable (and the token file's line) that is wrong
   */
  public static AuthSettings fromEnv(Map<String, String> env) {
    boolean enabled = AUTH_FIELD.read(env);
    Optional<String> text = new Env(env).optional(TOKENS);
    String source =
        env.get(TOKENS_FILE) == null || env.get(TOKENS_FILE).isBlank() ? TOKENS : TOKENS_FILE;
    ApiTokens tokens = text.map(t -> ApiTokens.parse(t, source)).orElse(ApiTokens.none());
    return new AuthSettings(enabled, tokens);
  }

  @Override
  public String toString() {
    return enabled ? "AuthSettings[on, " + tokens.size() + " tokens]" : "AuthSettings[off]";
  }
}
