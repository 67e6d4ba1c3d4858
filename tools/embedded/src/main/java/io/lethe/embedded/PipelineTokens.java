package io.lethe.embedded;

import io.lethe.service.auth.ApiTokens;
import io.lethe.service.auth.AuthSettings;
import io.lethe.service.auth.Scope;
import io.lethe.service.auth.TokenHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API tokens of a pipeline: random ones ({@link TokenHash#newToken()}, 256 bits), so the
 * one-command demo needs no setup; fresh per run for {@code --once} (no token outlives its run),
 * kept in the state directory when serving ({@link #readOrCreate(Path)}: a restart keeps them). The
 * in-process services accept them by hash ({@link #auth()}); the pipeline uses them for its own
 * calls; the operator finds them in a file only its owner can read ({@link #write(Path)}), whose
 * path is all that is printed.
 */
public final class PipelineTokens {
  /** File name under the run's directory. */
  public static final String FILE = "api-tokens";

  private final String admin;
  private final String read;
  private final String submit;

  private PipelineTokens(String admin, String read, String submit) {
    this.admin = admin;
    this.read = read;
    this.submit = submit;
  }

  /** Three new tokens: admin, read, submit. */
  public static PipelineTokens generate() {
    return new PipelineTokens(TokenHash.newToken(), TokenHash.newToken(), TokenHash.newToken());
  }

  /**
   * The tokens in {@code file} (written by {@link #write(Path)}, e.g. by an earlier run on the same
   * directory), or new ones written there when it does not exist: a serving pipeline keeps its
   * tokens across restarts.
   *
   * @throws IllegalArgumentException if the file exists but lacks a token or is readable by others
   */
  public static PipelineTokens readOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      PipelineTokens fresh = generate();
      Path parent = file.toAbsolutePath().getParent();
      fresh.writeFile(parent, file.getFileName().toString());
      return fresh;
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        throw new IllegalArgumentException(
            file
                + " holds API tokens but others may read it: chmod 600 it, or delete it for new"
                + " tokens");
      }
    } catch (UnsupportedOperationException noPosix) {
      // nothing to check
    }
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    for (String key : List.of("admin", "read", "submit")) {
      if (values.getOrDefault(key, "").isEmpty()) {
        throw new IllegalArgumentException(
            file + " has no " + key + "= token: delete it for new tokens");
      }
    }
    return new PipelineTokens(values.get("admin"), values.get("read"), values.get("submit"));
  }

  /** Scope {@code admin} (implies read). */
  public String admin() {
    return admin;
  }

  /** Scope {@code read}. */
  public String read() {
    return read;
  }

  /** Scope {@code submit}. */
  public String submit() {
    return submit;
  }

  /** What the services are configured with: the three tokens' hashes. */
  public AuthSettings auth() {
    return AuthSettings.of(ApiTokens.parse(config(), "the pipeline's generated tokens"));
  }

  /** {@code LETHE_API_TOKENS} lines (hashes only) accepting the three tokens. */
  public String config() {
    return String.join(
        "\n",
        ApiTokens.line("pipeline-admin", Set.of(Scope.ADMIN), admin),
        ApiTokens.line("pipeline-read", Set.of(Scope.READ), read),
        ApiTokens.line("pipeline-submit", EnumSet.of(Scope.SUBMIT), submit));
  }

  /**
   * Writes the tokens to {@code dir}/{@value #FILE}, created readable and writable by its owner
   * only (on file systems without POSIX permissions, restricted to the owner afterwards).
   *
   * @return the file's path
   */
  public Path write(Path dir) throws IOException {
    return writeFile(dir, FILE);
  }

  private Path writeFile(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
      java.io.File f = file.toFile();
      f.setReadable(false, false);
      f.setWritable(false, false);
      f.setReadable(true, true);
      f.setWritable(true, true);
    }
    Files.writeString(
        file,
        "# Bearer tokens of this pipeline (secret): send Authorization: Bearer <token>\n"
            + "admin="
            + admin
            + "\nread="
            + read
            + "\nsubmit="
            + submit
            + "\n",
        StandardCharsets.UTF_8);
    return file;
  }

  /** Never the tokens. */
  @Override
  public String toString() {
    return "PipelineTokens[***]";
  }
}
