package io.lethe.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Token material: the SHA-256 a token file stores instead of the token, and fresh random tokens. A
 * token is high-entropy random text (not a password), so an unsalted fast hash is enough: nobody
 * can guess a 256-bit token from its hash, and the file alone lets no one in.
 */
public final class TokenHash {
  /** Random bytes in a {@link #newToken()}: 256 bits. */
  public static final int TOKEN_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenHash() {}

  /** SHA-256 of the token's UTF-8 bytes. */
  public static byte[] sha256(String token) {
    Objects.requireNonNull(token, "token");
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** {@link #sha256} as 64 lower-case hex digits, as token files hold it. */
  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  /** A new token: {@value #TOKEN_BYTES} bytes from {@link SecureRandom}, base64url, no padding. */
  public static String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
