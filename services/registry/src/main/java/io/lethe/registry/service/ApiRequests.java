package io.lethe.registry.service;

import io.lethe.api.AliasRollback;
import io.lethe.api.AliasUpdate;
import io.lethe.api.MessageCodec;
import io.lethe.api.PurgeOrder;
import io.lethe.registry.store.AliasHistory;
import java.util.Map;
import java.util.Objects;

/**
 * Parses and checks what an API request carries: path parameters (model id, version, alias, object
 * name) and the body of an alias update. Everything it rejects becomes a 400 naming the parameter,
 * before the registry is asked anything.
 */
final class ApiRequests {
  /** Stored objects of a version, by the name a client may use: the manifest's key or its stem. */
  static final Map<String, String> OBJECTS =
      Map.of(
          "parameters",
          StoredObjects.PARAMETERS,
          StoredObjects.PARAMETERS,
          StoredObjects.PARAMETERS,
          "checkpoint",
          StoredObjects.CHECKPOINT,
          StoredObjects.CHECKPOINT,
          StoredObjects.CHECKPOINT);

  private static final int MAX_VERSION_DIGITS = 10;
  private static final java.util.regex.Pattern REQUEST_ID =
      java.util.regex.Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

  private ApiRequests() {}

  /** A model id as the registry stores it (lower-case; the manifest schema's rule). */
  static String modelId(String value) {
    return name("modelId", value);
  }

  static String alias(String value) {
    return name("alias", value);
  }

  /** A version number: 1 to 2^31-1, decimal digits only (no sign, no leading zeros). */
  static int version(String value) {
    String path = "$.path.version";
    if (value == null
        || value.isEmpty()
        || value.length() > MAX_VERSION_DIGITS
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')
        || value.charAt(0) == '0') {
      throw ApiException.badRequest(
          path, "must be a positive integer without sign or leading zeros, got '" + value + "'");
    }
    long n = Long.parseLong(value);
    if (n > Integer.MAX_VALUE) {
      throw ApiException.badRequest(path, "must be at most " + Integer.MAX_VALUE + ", got " + n);
    }
    return (int) n;
  }

  /**
   * The manifest key of the object a client asked for ({@code parameters} or {@code checkpoint}).
   */
  static String objectName(String value) {
    String key = value == null ? null : OBJECTS.get(value);
    if (key == null) {
      throw ApiException.notFound(
          "a version has no object named '"
              + value
              + "'; ask for parameters ("
              + StoredObjects.PARAMETERS
              + ") or checkpoint ("
              + StoredObjects.CHECKPOINT
              + ")");
    }
    return key;
  }

  /**
   * The body of {@code PUT .../aliases/{alias}}, validated against alias-update.v1.
   *
   * @throws io.lethe.api.ContractViolation listing every violation
   */
  static AliasUpdate aliasUpdate(MessageCodec codec, byte[] body) {
    Objects.requireNonNull(codec, "codec");
    return codec.decode(body == null ? new byte[0] : body, AliasUpdate.class);
  }

  /**
   * The optional body of {@code POST .../aliases/{alias}/rollback}: none (or empty) means a plain
   * rollback.
   */
  static AliasRollback aliasRollback(MessageCodec codec, byte[] body) {
    if (body == null || body.length == 0) {
      return AliasRollback.PLAIN;
    }
    return codec.decode(body, AliasRollback.class);
  }

  /** The body of {@code POST .../versions/{version}/purge}, validated against purge-order.v1. */
  static PurgeOrder purgeOrder(MessageCodec codec, byte[] body) {
    return codec.decode(body == null ? new byte[0] : body, PurgeOrder.class);
  }

  /**
   * Who moves an alias and why.
   *
   * @throws ApiException 400 if the move is forced without a reason
   */
  static AliasHistory.Note note(String actor, boolean forced, String reason) {
    if (forced && reason == null) {
      throw ApiException.badRequest(
          "$.reason", "is required with \"force\": true (the audit log records it)");
    }
    return new AliasHistory.Note(actor, forced, forced ? reason : null);
  }

  /** A forget request id (the schemas' id rule). */
  static String requestId(String value) {
    if (value == null || !REQUEST_ID.matcher(value).matches()) {
      throw ApiException.badRequest(
          "$.path.requestId",
          "must match "
              + REQUEST_ID.pattern()
              + ", got '"
              + Problems.clip(String.valueOf(value), 200)
              + "'");
    }
    return value;
  }

  private static String name(String what, String value) {
    if (value == null || !RegistrySettings.NAME.matcher(value).matches()) {
      throw ApiException.badRequest(
          "$.path." + what,
          "must be 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit,"
              + " got '"
              + Problems.clip(value, 200)
              + "'");
    }
    return value;
  }
}
