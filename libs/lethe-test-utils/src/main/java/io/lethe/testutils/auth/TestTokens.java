package io.lethe.testutils.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * API tokens for tests: one per scope, fresh random values per JVM (nothing to leak from the
 * repository), and the {@code LETHE_API_TOKENS} value that configures a service to accept them
 * (names {@code test-admin}, {@code test-read}, {@code test-submit}). Tests pass {@link #env()} to
 * a settings class's {@code fromEnv} (or put it into a child process's environment), then send
 * {@link #bearer(String)} in {@value #AUTHORIZATION}.
 *
 * <p>This module does not depend on the services' library, so the token-file line format ({@code
 * name:scopes:sha256:<hex>}) is written out here; the services' parser is the judge of it.
 */
public final class TestTokens {
  public static final String AUTHORIZATION = "Authorization";
  public static final String VARIABLE = "LETHE_API_TOKENS";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Scope {@code admin} (which implies {@code read}). */
  public static final String ADMIN = newToken();

  /** Scope {@code read}. */
  public static final String READ = newToken();

  /** Scope {@code submit}. */
  public static final String SUBMIT = newToken();

  /** Well-formed, but configured nowhere. */
  public static final String WRONG = newToken();

  private TestTokens() {}

  /** Label → token, for tables: {@code submit}, {@code read}, {@code admin}. */
  public static Map<String, String> byScope() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("submit", SUBMIT);
    m.put("read", READ);
    m.put("admin", ADMIN);
    return m;
  }

  /**
   * The scopes each {@link #byScope()} token holds, implied ones included: {@code admin} implies
   * {@code read} (the services' rule, restated so a change to it fails these tests).
   */
  public static Map<String, Set<String>> effectiveScopes() {
    return Map.of(
        "submit", Set.of("submit"), "read", Set.of("read"), "admin", Set.of("admin", "read"));
  }

  /**
   * The {@code LETHE_API_TOKENS} value accepting {@link #ADMIN}, {@link #READ}, {@link #SUBMIT}.
   */
  public static String config() {
    return String.join(
            "\n",
            "# test tokens, generated per JVM",
            line("test-admin", "admin", ADMIN),
            line("test-read", "read", READ),
            line("test-submit", "submit", SUBMIT))
        + "\n";
  }

  /** {@code LETHE_API_TOKENS} = {@link #config()}. */
  public static Map<String, String> env() {
    return Map.of(VARIABLE, config());
  }

  /** The {@value #AUTHORIZATION} header value for {@code token}. */
  public static String bearer(String token) {
    return "Bearer " + token;
  }

  /** Every token and every configured hash: what must never appear in logs or metrics. */
  public static List<String> secrets() {
    return List.of(ADMIN, READ, SUBMIT, sha256Hex(ADMIN), sha256Hex(READ), sha256Hex(SUBMIT));
  }

  /** A token-file line. */
  public static String line(String name, String scopes, String token) {
    return name + ":" + scopes + ":sha256:" + sha256Hex(token);
  }

  /** 32 random bytes, base64url without padding. */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String sha256Hex(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
