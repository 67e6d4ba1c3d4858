package io.lethe.registry.store;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Version numbers of {@link ModelStore}: each taken by a conditional write of {@code
 * v{n}/claim.json} ({@code If-None-Match: *}), so of two concurrent writers exactly one gets each
 * number and a number is never reused; and the sweep of versions whose writer died before their
 * manifest, whose claim stays, marked {@code abandoned}.
 */
final class VersionClaims {
  private static final int MAX_CLAIM_ATTEMPTS = 64;

  private final Bucket bucket;
  private final StoredJson json;
  private final Clock clock;

  VersionClaims(Bucket bucket, StoredJson json, Clock clock) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.json = Objects.requireNonNull(json, "json");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Claims the lowest free number above every number in use (visible or not), claimed at {@code
   * now}; a lost race moves on to the next number.
   *
   * @throws StoreException after {@value #MAX_CLAIM_ATTEMPTS} lost races
   */
  int claim(String modelId, Instant now) {
    long next = highestVersion(modelId) + 1L;
    String writer = UUID.randomUUID().toString();
    for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && next <= Integer.MAX_VALUE; attempt++) {
      int version = (int) next;
      Map<String, Object> claim = new LinkedHashMap<>();
      claim.put("modelId", modelId);
      claim.put("version", version);
      claim.put("writer", writer);
      claim.put("claimedAt", now.toString());
      byte[] bytes = json.encode(claim, "a version claim");
      if (bucket.putIfAbsent(
          ModelKeys.object(modelId, version, ModelKeys.CLAIM), bytes, ModelStore.JSON)) {
        return version;
      }
      next++;
    }
    throw new StoreException(
        "could not claim a version number for model "
            + modelId
            + " after "
            + MAX_CLAIM_ATTEMPTS
            + " attempts (from v"
            + (highestVersion(modelId) + 1)
            + "): too many concurrent writers");
  }

  /** See {@link ModelStore#sweepAbandoned}. */
  List<Integer> sweepAbandoned(String modelId, Instant claimedBefore) {
    Map<Integer, List<String>> byVersion = new TreeMap<>();
    for (String key : bucket.keys(ModelKeys.modelPrefix(modelId))) {
      ModelKeys.version(key)
          .ifPresent(v -> byVersion.computeIfAbsent(v, n -> new ArrayList<>()).add(key));
    }
    List<Integer> swept = new ArrayList<>();
    for (Map.Entry<Integer, List<String>> e : byVersion.entrySet()) {
      int version = e.getKey();
      List<String> keys = e.getValue();
      String claimKey = ModelKeys.object(modelId, version, ModelKeys.CLAIM);
      if (keys.stream().anyMatch(ModelKeys::isManifest)
          || keys.stream().allMatch(k -> k.equals(claimKey))) {
        continue; // visible, or nothing but its claim is left
      }
      Optional<Instant> claimedAt = claimedAt(claimKey);
      if (claimedAt.isPresent() && !claimedAt.get().isBefore(claimedBefore)) {
        continue; // its writer may still be uploading
      }
      Map<String, Object> abandoned = new LinkedHashMap<>();
      abandoned.put("modelId", modelId);
      abandoned.put("version", version);
      abandoned.put("abandoned", true);
      abandoned.put("sweptAt", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
      claimedAt.ifPresent(t -> abandoned.put("claimedAt", t.toString()));
      bucket.put(claimKey, json.encode(abandoned, "an abandoned claim"), ModelStore.JSON);
      for (String key : keys) {
        if (!key.equals(claimKey)) {
          bucket.remove(key);
        }
      }
      swept.add(version);
    }
    return swept;
  }

  private Optional<Instant> claimedAt(String claimKey) {
    Optional<byte[]> bytes = bucket.get(claimKey);
    if (bytes.isEmpty()) {
      return Optional.empty(); // objects without a claim: nobody can be writing them
    }
    String text = json.text(bytes.get(), "claimedAt");
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The highest version number with any object, visible or not (0 if none). */
  private int highestVersion(String modelId) {
    return bucket.keys(ModelKeys.modelPrefix(modelId)).stream()
        .map(ModelKeys::version)
        .filter(OptionalInt::isPresent)
        .mapToInt(OptionalInt::getAsInt)
        .max()
        .orElse(0);
  }
}
