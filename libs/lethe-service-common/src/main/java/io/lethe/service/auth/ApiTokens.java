package io.lethe.service.auth;

import io.lethe.config.ConfigException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The API tokens a service accepts, as configured: for each, a name, its scopes and the SHA-256 of
 * the token, never the token itself. One entry per line:
 *
 * <pre>
 * # name:scopes:sha256:hex
 * ops-alice:admin:sha256:3f0a…(64 hex digits)
 * erasure-portal:submit:sha256:…
 * grafana:read:sha256:…
 * </pre>
 *
 * Blank lines and lines starting with {@code #} are ignored; scopes are comma-separated ({@code
 * submit,read}). A line that breaks the format fails start-up with its line number; the message
 * never repeats the line, which might hold a token pasted by mistake.
 *
 * <p><b>Why opaque tokens, not JWT.</b> The services are their own and only relying parties: a
 * signed token would bring key material to generate, distribute and rotate, expiry that depends on
 * clocks agreeing, and revocation lists, to solve a federation problem Lethe does not have. An
 * opaque 256-bit token checked against a hash list needs none of that: issuing is appending a line,
 * revoking is deleting it (and restarting, or rolling the file), and the file is not a secret
 * (hashes of random tokens let no one in), so it can live in a config map.
 *
 * <p><b>Constant time.</b> {@link #authenticate} hashes the presented token and compares the hash
 * with every entry's using {@link MessageDigest#isEqual} (constant time for equal lengths), never
 * stopping at the first match, so the time taken says neither whether nor which entry matched.
 */
public final class ApiTokens {
  /** What a hash is prefixed with in a line: the only algorithm accepted. */
  public static final String ALGORITHM = "sha256";

  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$");
  private static final Pattern HEX = Pattern.compile("^[0-9a-fA-F]{64}$");

  /** One configured token. */
  private record Entry(Principal principal, byte[] hash) {}

  private final List<Entry> entries;

  private ApiTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** No tokens at all. */
  public static ApiTokens none() {
    return new ApiTokens(List.of());
  }

  /**
   * Parses {@code text} in the format above.
   *
   * @param source what {@code text} came from, for error messages (e.g. {@code LETHE_API_TOKENS})
   * @throws ConfigException naming {@code source} and the line number of the first bad line
   */
  public static ApiTokens parse(String text, String source) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1) + ": ";
      String[] parts = line.split(":", -1);
      if (parts.length != 4) {
        throw new ConfigException(
            where
                + "expected name:scope[,scope...]:sha256:<64 hex digits>, found "
                + parts.length
                + " ':'-separated fields");
      }
      String name = parts[0].strip();
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(
            where
                + "the name must be 1-64 characters of [A-Za-z0-9._@-], starting with a letter"
                + " or digit");
      }
      if (!names.add(name)) {
        throw new ConfigException(where + "the name '" + name + "' is used by an earlier line");
      }
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String tag : parts[1].split(",", -1)) {
        if (tag.isBlank()) {
          throw new ConfigException(where + "empty scope (scopes: " + scopeTags() + ")");
        }
        scopes.add(
            Scope.ofTag(tag)
                .orElseThrow(
                    () ->
                        new ConfigException(
                            where
                                + "unknown scope '"
                                + tag.strip()
                                + "' (scopes: "
                                + scopeTags()
                                + ")")));
      }
      if (!parts[2].strip().equalsIgnoreCase(ALGORITHM)) {
        throw new ConfigException(where + "the hash must be '" + ALGORITHM + ":<64 hex digits>'");
      }
      String hex = parts[3].strip();
      if (!HEX.matcher(hex).matches()) {
        throw new ConfigException(
            where + "the SHA-256 must be 64 hex digits (the hash of the token, not the token)");
      }
      if (!hashes.add(hex.toLowerCase(java.util.Locale.ROOT))) {
        throw new ConfigException(where + "the same token hash is on an earlier line");
      }
      entries.add(new Entry(new Principal(name, scopes), HexFormat.of().parseHex(hex)));
    }
    return new ApiTokens(entries);
  }

  /** A line for a token file: the entry {@code name} with {@code scopes} for {@code token}. */
  public static String line(String name, Set<Scope> scopes, String token) {
    return name
        + ":"
        + scopes.stream().map(Scope::tag).sorted().collect(Collectors.joining(","))
        + ":"
        + ALGORITHM
        + ":"
        + TokenHash.sha256Hex(token);
  }

  /**
   * The principal whose entry holds the hash of {@code token}, if any. Compares against every
   * entry, in constant time each, whatever matched.
   */
  public Optional<Principal> authenticate(String token) {
    byte[] presented = TokenHash.sha256(Objects.requireNonNull(token, "token"));
    Principal found = null;
    for (Entry e : entries) {
      boolean equal = MessageDigest.isEqual(e.hash(), presented);
      found = equal ? e.principal() : found;
    }
    return Optional.ofNullable(found);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /** The entries' names, e.g. for a start-up line; never hashes. */
  public List<String> names() {
    return entries.stream().map(e -> e.principal().name()).toList();
  }

  /** How many tokens, never names or hashes. */
  @Override
  public String toString() {
    return "ApiTokens[" + entries.size() + " entries]";
  }

  private static String scopeTags() {
    return java.util.Arrays.stream(Scope.values())
        .map(Scope::tag)
        .collect(Collectors.joining(", "));
  }
}
