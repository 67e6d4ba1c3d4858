package io.lethe.registry.store;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One S3 bucket, reduced to the few operations the stores need, with MinIO's checked exceptions
 * turned into {@link StoreException}s that name the bucket and key. Thread-safe (the MinIO client
 * is).
 */
final class Bucket {
  private static final String NO_SUCH_KEY = "NoSuchKey";
  private static final String PRECONDITION_FAILED = "PreconditionFailed";

  /** S3 error codes that mean "try again later" even without a 5xx status. */
  private static final Set<String> TRANSIENT_CODES =
      Set.of("SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout");

  private final MinioClient client;
  private final String name;

  Bucket(MinioClient client, String name) {
    this.client = Objects.requireNonNull(client, "client");
    this.name = Objects.requireNonNull(name, "bucket");
  }

  String name() {
    return name;
  }

  /** Creates the bucket unless it exists. */
  void ensureExists() {
    try {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(name).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(name).build());
      }
    } catch (ErrorResponseException e) {
      // Another store created it between the two calls.
      String code = e.errorResponse().code();
      if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
        throw failure("create bucket", "", e);
      }
    } catch (MinioException e) {
      throw failure("create bucket", "", e);
    }
  }

  /** Writes {@code bytes} at {@code key}, replacing any object there. */
  void put(String key, byte[] bytes, String contentType) {
    try {
      client.putObject(args(key, bytes, contentType, Map.of()));
    } catch (MinioException e) {
      throw failure("put", key, e);
    }
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
    } catch (ErrorResponseException e) {
      if (PRECONDITION_FAILED.equals(e.errorResponse().code())
          || e.response() != null && e.response().code() == 412) {
        return false;
      }
      throw failure("conditionally put", key, e);
    } catch (MinioException e) {
      throw failure("conditionally put", key, e);
    }
  }

  /** The object's bytes, or empty if there is no object at {@code key}. */
  Optional<byte[]> get(String key) {
    try (GetObjectResponse in =
        client.getObject(GetObjectArgs.builder().bucket(name).object(key).build())) {
      return Optional.of(in.readAllBytes());
    } catch (ErrorResponseException e) {
      if (NO_SUCH_KEY.equals(e.errorResponse().code())) {
        return Optional.empty();
      }
      throw failure("get", key, e);
    } catch (MinioException e) {
      throw failure("get", key, e);
    } catch (IOException e) {
      throw new StoreUnavailableException("could not read s3://" + name + "/" + key + ": " + e, e);
    }
  }

  /** Deletes the object at {@code key}, if any. */
  void remove(String key) {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(name).object(key).build());
    } catch (MinioException e) {
      throw failure("remove", key, e);
    }
  }

  /** Every key under {@code prefix}, recursively, in S3's (lexicographic) order. */
  List<String> keys(String prefix) {
    List<String> keys = new ArrayList<>();
    Iterable<Result<Item>> items =
        client.listObjects(
            ListObjectsArgs.builder().bucket(name).prefix(prefix).recursive(true).build());
    try {
      for (Result<Item> item : items) {
        Item i = item.get();
        if (!i.isDir()) {
          keys.add(i.objectName());
        }
      }
    } catch (MinioException e) {
      throw failure("list", prefix, e);
    }
    return keys;
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

  StoreException failure(String action, String key, MinioException e) {
    String detail =
        e instanceof ErrorResponseException r
            ? r.errorResponse().code() + ": " + r.errorResponse().message()
            : e.toString();
    String message = "could not " + action + " s3://" + name + "/" + key + " (" + detail + ")";
    return isTransient(e)
        ? new StoreUnavailableException(message, e)
        : new StoreException(message, e);
  }

  /**
   * Whether retrying may help: the network failed (the SDK wraps the {@code IOException}), or S3
   * answered 5xx or asked us to slow down. Client errors (403, 404, a bad request) are permanent.
   */
  static boolean isTransient(MinioException e) {
    if (e instanceof ErrorResponseException r) {
      String code = r.errorResponse() == null ? "" : r.errorResponse().code();
      int status = r.response() == null ? 0 : r.response().code();
      return status >= 500 || TRANSIENT_CODES.contains(code);
    }
    if (e instanceof ServerException server) {
      return server.statusCode() >= 500;
    }
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
