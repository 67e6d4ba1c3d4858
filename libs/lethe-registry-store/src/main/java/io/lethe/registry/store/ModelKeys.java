package io.lethe.registry.store;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object layout of models in the bucket, in one place:
 *
 * <pre>
 * models/{modelId}/v{n}/claim.json        version number taken (conditional write)
 * models/{modelId}/v{n}/parameters.bin    engine parameter bytes
 * models/{modelId}/v{n}/checkpoint.json   engine CheckpointManifest
 * models/{modelId}/v{n}/manifest.json     ModelVersionManifest, written last: the version is visible
 * models/{modelId}/v{n}/evaluation.json   EvaluationReportMessage, once evaluated
 * models/{modelId}/v{n}/purged.json       PurgeRecord, write-once: the version was purged, every
 *                                         object but manifest, evaluation, claim and this is deleted
 * models/{modelId}/aliases/{alias}/{seq}.json  alias move number seq (10 digits, from 1): the
 *                                             whole history after that move, write-once
 * models/{modelId}/aliases/{alias}.json   legacy alias history (before entries), read if no entry
 * models/{modelId}/honoured/{requestId}.json  HonouredRequest, write-once: the request's subjects
 *                                             were all forgotten by an existing version already
 * models/{modelId}/made-for/{requestId}   the number of the version claimed for the request,
 *                                         written before that version becomes visible
 * </pre>
 */
final class ModelKeys {
  static final String ROOT = "models/";
  static final String PARAMETERS = "parameters.bin";
  static final String CHECKPOINT = "checkpoint.json";
  static final String MANIFEST = "manifest.json";
  static final String EVALUATION = "evaluation.json";
  static final String CLAIM = "claim.json";
  static final String PURGED = "purged.json";

  /** Model ids and alias names: the manifest schema's modelId pattern (safe in a key). */
  static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

  /** Request ids: the contracts' id pattern (safe in a key). */
  static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

  private static final String HONOURED = "honoured/";
  private static final String MADE_FOR = "made-for/";
  private static final String JSON_SUFFIX = ".json";

  private static final Pattern ALIAS_ENTRY = Pattern.compile("^([0-9]{10})\\.json$");

  private static final Pattern VERSION_KEY =
      Pattern.compile("^models/[^/]+/v([1-9][0-9]{0,9})/([^/]+)$");

  private ModelKeys() {}

  static String modelPrefix(String modelId) {
    return ROOT + modelId + "/";
  }

  static String versionPrefix(String modelId, int version) {
    return modelPrefix(modelId) + "v" + version + "/";
  }

  static String object(String modelId, int version, String name) {
    return versionPrefix(modelId, version) + name;
  }

  /** The legacy single-object alias history (read-only now; see {@link AliasLog}). */
  static String alias(String modelId, String alias) {
    return modelPrefix(modelId) + "aliases/" + alias + ".json";
  }

  /** The prefix of an alias's write-once move entries. */
  static String aliasEntries(String modelId, String alias) {
    return modelPrefix(modelId) + "aliases/" + alias + "/";
  }

  /**
   * The key of move {@code seq} of an alias: zero-padded so that S3's lexicographic listing order
   * is the numeric order.
   */
  static String aliasEntry(String modelId, String alias, int seq) {
    return aliasEntries(modelId, alias)
        + String.format(java.util.Locale.ROOT, "%010d", seq)
        + ".json";
  }

  /** The move number in an alias entry key under {@code prefix}, if it is one. */
  static OptionalInt aliasSeq(String prefix, String key) {
    if (!key.startsWith(prefix)) {
      return OptionalInt.empty();
    }
    Matcher m = ALIAS_ENTRY.matcher(key.substring(prefix.length()));
    if (!m.matches()) {
      return OptionalInt.empty();
    }
    long n = Long.parseLong(m.group(1));
    return n < 1 || n > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) n);
  }

  /**
   * The key naming the version claimed for {@code requestId} ({@link ModelStore#versionMadeFor}).
   */
  static String madeFor(String modelId, String requestId) {
    return modelPrefix(modelId) + MADE_FOR + requireId(requestId, "requestId");
  }

  /** The prefix of a model's honoured-request records. */
  static String honouredPrefix(String modelId) {
    return modelPrefix(modelId) + HONOURED;
  }

  /** The key of the honoured-request record of {@code requestId}. */
  static String honoured(String modelId, String requestId) {
    return honouredPrefix(modelId) + requireId(requestId, "requestId") + JSON_SUFFIX;
  }

  /** The request id of an honoured-request record key of {@code modelId}, if it is one. */
  static java.util.Optional<String> honouredRequestId(String modelId, String key) {
    String prefix = honouredPrefix(modelId);
    if (!key.startsWith(prefix) || !key.endsWith(JSON_SUFFIX)) {
      return java.util.Optional.empty();
    }
    String id = key.substring(prefix.length(), key.length() - JSON_SUFFIX.length());
    return ID.matcher(id).matches() ? java.util.Optional.of(id) : java.util.Optional.empty();
  }

  /** The version number in a key under {@code models/{id}/v{n}/}, if it is one. */
  static OptionalInt version(String key) {
    Matcher m = VERSION_KEY.matcher(key);
    if (!m.matches()) {
      return OptionalInt.empty();
    }
    long n = Long.parseLong(m.group(1));
    return n > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) n);
  }

  /** Whether {@code key} is a version's manifest, i.e. marks a visible version. */
  static boolean isManifest(String key) {
    return version(key).isPresent() && key.endsWith("/" + MANIFEST);
  }

  static String requireName(String value, String what) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + value
              + "' is invalid: 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter"
              + " or digit");
    }
    return value;
  }

  static String requireId(String value, String what) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + value
              + "' is invalid: 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':', '-', starting with"
              + " a letter or digit");
    }
    return value;
  }

  static int requireVersion(int version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1: " + version);
    }
    return version;
  }
}
