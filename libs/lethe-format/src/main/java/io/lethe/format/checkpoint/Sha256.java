package io.lethe.format.checkpoint;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SHA-256 digests in the {@code "sha256:<64 lower-case hex>"} form used by manifests, the same form
 * as {@link io.lethe.format.data.ImageDataset#fingerprint()}, so that every hash in a manifest
 * reads alike and says which algorithm produced it.
 */
public final class Sha256 {
  private static final String PREFIX = "sha256:";
  private static final Pattern FORMAT = Pattern.compile("sha256:[0-9a-f]{64}");

  private Sha256() {}

  /** The digest of {@code bytes}, as {@code "sha256:<hex>"}. */
  public static String of(byte[] bytes) {
    try {
      return PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Whether {@code text} is a digest in the form {@link #of} produces. */
  public static boolean isWellFormed(String text) {
    return text != null && FORMAT.matcher(text).matches();
  }
}
