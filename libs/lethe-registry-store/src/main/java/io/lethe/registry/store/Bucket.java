package io.lethe.registry.store;

import io.lethe.format.checkpoint.Sha256;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * One S3 bucket, reduced to the few operations the stores need, with every failure turned into a
 * {@link StoreException} that names the bucket and key. Thread-safe (the MinIO client is).
 *
 * <p><b>Why RuntimeExceptions are caught too.</b> MinIO 9 runs requests asynchronously and, when
 * the server cannot be reached, rethrows the network error wrapped in an unchecked exception
 * ({@code IllegalStateException: java.net.ConnectException}), from the call itself or from the
 * iterator of {@code listObjects}; a caller that only catches {@code MinioException} turns an
 * outage into a permanent failure. Every operation here therefore classifies whatever it caught by
 * its whole cause chain ({@link #isTransient(Throwable)}): an outage is always a {@link
 * StoreUnavailableException}, so consumers retry instead of committing a failure.
 */
final class Bucket {
  private static final String NO_SUCH_KEY = "NoSuchKey";
  private static final String PRECONDITION_FAILED = "PreconditionFailed";

  /** S3 error codes that mean "try again later" even without a 5xx status. */
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "SlowDown",
          "InternalError",
          "ServiceUnavailable",
          "RequestTimeout",
          "Throttling",
          "ThrottlingException",
          "RequestLimitExceeded",
          "TooManyRequests");

  private static final int TOO_MANY_REQUESTS = 429;

  /** How deep a cause chain is searched (guards against cycles). */
  private static final int MAX_CAUSES = 32;

  private final MinioClient client;
  private final String name;

  Bucket(MinioClient client, String name) {
    this.client = Objects.requireNonNull(client, "client");
    this.name = Objects.requireNonNull(name, "bucket");
  }

  String name() {
    return name;
  }

  /** The object's address for messages: {@code s3://bucket/key}. */
  String where(String key) {
    return "s3://" + name + "/" + key;
  }

  /** Creates the bucket unless it exists. */
  void ensureExists() {
    try {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(name).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(name).build());
      }
    } catch (MinioException | RuntimeException e) {
      // Another store created it between the two calls.
      String code = errorCode(e);
      if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
        throw failure("create bucket", "", e);
      }
    }
  }

  /** Writes {@code bytes} at {@code key}, replacing any object there. */
  void put(String key, byte[] bytes, String contentType) {
    try {
      client.putObject(args(key, bytes, contentType, Map.of()));
    } catch (MinioException | RuntimeException e) {
      throw failure("put", key, e);
    }
  }

  /**
   * Writes {@code bytes} at {@code key}, reads them back and checks size and SHA-256, so that an
   * object is never made visible (by a manifest or descriptor written after it) unverified.
   *
   * @throws CorruptObjectException if the object does not read back as written
   */
  void putVerified(String key, byte[] bytes, String contentType) {
    put(key, bytes, contentType);
    byte[] back =
        get(key)
            .orElseThrow(
                () -> new StoreException(where(key) + " is missing right after its upload"));
    String wrote = Sha256.of(bytes);
    String read = Sha256.of(back);
    if (back.length != bytes.length || !read.equals(wrote)) {
      throw new CorruptObjectException(
          where(key)
              + " did not verify after upload: read back "
              + read
              + " ("
              + back.length
              + " bytes), wrote "
              + wrote
              + " ("
              + bytes.length
              + " bytes)");
    }
  }

  /**
   * {@code bytes}, read from {@code key}, if their size and SHA-256 are the ones {@code listedBy}
   * (a manifest, a descriptor) recorded when the object was stored.
   *
   * @throws CorruptObjectException if they are not: the object was altered after it was stored
   */
  byte[] requireAsListed(String key, byte[] bytes, String sha256, long size, String listedBy) {
    String actual = Sha256.of(bytes);
    if (bytes.length != size || !actual.equals(sha256)) {
      throw new CorruptObjectException(
          where(key)
              + ": sha256 "
              + actual
              + " ("
              + bytes.length
              + " bytes) does not match the "
              + listedBy
              + "'s "
              + sha256
              + " ("
              + size
              + " bytes); the object was altered after it was stored, refusing to use it");
    }
    return bytes;
  }

  /**
   * Writes {@code bytes} at {@code key} only if no object is there, atomically on the server
   * ({@code If-None-Match: *}, S3 conditional writes).
   *
   * @return false if an object already existed (nothing was written)
   */
  boolean putIfAbsent(String key, byte[] bytes, String contentType) {
    try {
      client.putObject(args(key, bytes, contentType, Map.of("If-None-Match", "*")));
      return true;
    } catch (MinioException | RuntimeException e) {
      ErrorResponseException answer = find(e, ErrorResponseException.class);
      if (PRECONDITION_FAILED.equals(errorCode(e))
          || answer != null && answer.response() != null && answer.response().code() == 412) {
        return false;
      }
      throw failure("conditionally put", key, e);
    }
  }

  /** The object's bytes, or empty if there is no object at {@code key}. */
  Optional<byte[]> get(String key) {
    try (GetObjectResponse in =
        client.getObject(GetObjectArgs.builder().bucket(name).object(key).build())) {
      return Optional.of(in.readAllBytes());
    } catch (MinioException | IOException | RuntimeException e) {
      // IOException: the connection broke while the body was being read.
      if (NO_SUCH_KEY.equals(errorCode(e))) {
        return Optional.empty();
      }
      throw failure("get", key, e);
    }
  }

  /** Deletes the object at {@code key}, if any. */
  void remove(String key) {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(name).object(key).build());
    } catch (MinioException | RuntimeException e) {
      throw failure("remove", key, e);
    }
  }

  /** Every key under {@code prefix}, recursively, in S3's (lexicographic) order. */
  List<String> keys(String prefix) {
    return keys(prefix, null);
  }

  /**
   * The keys under {@code prefix} that sort after {@code startAfter} (all of them if it is {@code
   * null}), recursively, in S3's (lexicographic) order. The server skips the earlier keys, so a
   * caller that knows where it stopped last time pays only for what is new.
   */
  List<String> keys(String prefix, String startAfter) {
    List<String> keys = new ArrayList<>();
    try {
      ListObjectsArgs.Builder args =
          ListObjectsArgs.builder().bucket(name).prefix(prefix).recursive(true);
      if (startAfter != null) {
        args.startAfter(startAfter);
      }
      // The requests happen while iterating: a lost connection surfaces from hasNext() or get().
      for (Result<Item> item : client.listObjects(args.build())) {
        Item i = item.get();
        if (!i.isDir()) {
          keys.add(i.objectName());
        }
      }
    } catch (MinioException | RuntimeException e) {
      throw failure("list", prefix, e);
    }
    return keys;
  }

  /** An object in a listing: its key, size in bytes and last modification time. */
  record Entry(String key, long size, Instant lastModified) {}

  /**
   * Every object under {@code prefix}, recursively, in S3's (lexicographic) order, with its size
   * and last modification time (what erasure and purge need to report and to judge staleness).
   */
  List<Entry> list(String prefix) {
    List<Entry> entries = new ArrayList<>();
    try {
      ListObjectsArgs args =
          ListObjectsArgs.builder().bucket(name).prefix(prefix).recursive(true).build();
      for (Result<Item> item : client.listObjects(args)) {
        Item i = item.get();
        if (!i.isDir()) {
          Instant modified =
              i.lastModified() == null ? Instant.EPOCH : i.lastModified().toInstant();
          entries.add(new Entry(i.objectName(), i.size(), modified));
        }
      }
    } catch (MinioException | RuntimeException e) {
      throw failure("list", prefix, e);
    }
    return entries;
  }

  private PutObjectArgs args(
      String key, byte[] bytes, String contentType, Map<String, String> headers) {
    PutObjectArgs.Builder b =
        PutObjectArgs.builder().bucket(name).object(key).data(bytes, bytes.length);
    b.contentType(contentType);
    if (!headers.isEmpty()) {
      b.extraHeaders(headers);
    }
    return b.build();
  }

  StoreException failure(String action, String key, Throwable e) {
    ErrorResponseException answer = find(e, ErrorResponseException.class);
    String detail =
        answer != null && answer.errorResponse() != null
            ? answer.errorResponse().code() + ": " + answer.errorResponse().message()
            : rootCause(e).toString();
    String message = "could not " + action + " s3://" + name + "/" + key + " (" + detail + ")";
    return isTransient(e)
        ? new StoreUnavailableException(message, e)
        : new StoreException(message, e);
  }

  /**
   * Whether retrying may help, judged from the whole cause chain: S3 answered 5xx, 429 or asked us
   * to slow down; or no answer came at all, i.e. an {@code IOException} (refused or reset
   * connection, {@code SocketTimeoutException}, okhttp's {@code InterruptedIOException} on a call
   * timeout, an unresolvable host) or a {@code TimeoutException} anywhere in the chain, however the
   * SDK wrapped it. An answer from S3 decides: a 4xx (403, 404, a bad request) is permanent even if
   * something around it looks like I/O.
   */
  static boolean isTransient(Throwable e) {
    int depth = 0;
    for (Throwable c = e; c != null && depth < MAX_CAUSES; c = c.getCause(), depth++) {
      if (c instanceof ErrorResponseException r) {
        String code = r.errorResponse() == null ? "" : r.errorResponse().code();
        int status = r.response() == null ? 0 : r.response().code();
        return status >= 500 || status == TOO_MANY_REQUESTS || TRANSIENT_CODES.contains(code);
      }
      if (c instanceof ServerException server) {
        return server.statusCode() >= 500 || server.statusCode() == TOO_MANY_REQUESTS;
      }
    }
    depth = 0;
    for (Throwable c = e; c != null && depth < MAX_CAUSES; c = c.getCause(), depth++) {
      if (c instanceof IOException || c instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** S3's error code, from an answer found anywhere in the cause chain; null if there is none. */
  private static String errorCode(Throwable e) {
    ErrorResponseException answer = find(e, ErrorResponseException.class);
    return answer == null || answer.errorResponse() == null ? null : answer.errorResponse().code();
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    int depth = 0;
    for (Throwable c = e; c != null && depth < MAX_CAUSES; c = c.getCause(), depth++) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable root = e;
    int depth = 0;
    while (root.getCause() != null && root.getCause() != root && depth++ < MAX_CAUSES) {
      root = root.getCause();
    }
    return root;
  }
}
