package io.lethe.testutils.s3;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.messages.Item;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads every object of a bucket in full and reports which of some named byte sequences ("needles")
 * each one contains: the proof that no object in S3 still holds a forgotten subject's image bytes
 * or sample rows, whatever key it sits under.
 */
public final class BucketScan {
  private BucketScan() {}

  /**
   * The result of a scan.
   *
   * @param hits object key to the names of the needles it contains (only objects with a hit)
   * @param objectsScanned every object read
   * @param bytesScanned their total size
   */
  public record Result(
      SortedMap<String, SortedSet<String>> hits, int objectsScanned, long bytesScanned) {
    public Result {
      hits = Collections.unmodifiableSortedMap(new TreeMap<>(hits));
    }

    /** The keys of the objects holding at least one needle. */
    public SortedSet<String> objectsWithHits() {
      return Collections.unmodifiableSortedSet(new TreeSet<>(hits.keySet()));
    }

    /** The keys of the objects holding {@code needle}. */
    public SortedSet<String> objectsHolding(String needle) {
      SortedSet<String> keys = new TreeSet<>();
      hits.forEach(
          (key, needles) -> {
            if (needles.contains(needle)) {
              keys.add(key);
            }
          });
      return keys;
    }

    /** How many (object, needle) pairs matched. */
    public int hitCount() {
      return hits.values().stream().mapToInt(SortedSet::size).sum();
    }

    /** One line for test output. */
    public String summary() {
      return objectsScanned
          + " objects ("
          + bytesScanned
          + " bytes) scanned, "
          + hits.size()
          + " holding a needle, "
          + hitCount()
          + " hits";
    }
  }

  /**
   * Scans every object in {@code bucket} (recursively, every prefix) for every needle.
   *
   * @param needles name to byte sequence; each must be non-empty
   * @throws IllegalStateException if listing or reading fails
   */
  public static Result scan(MinioClient client, String bucket, Map<String, byte[]> needles) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(bucket, "bucket");
    Map<String, int[]> tables = new LinkedHashMap<>();
    needles.forEach(
        (name, needle) -> {
          if (needle == null || needle.length == 0) {
            throw new IllegalArgumentException("needle '" + name + "' is empty");
          }
          tables.put(name, failureTable(needle));
        });
    SortedMap<String, SortedSet<String>> hits = new TreeMap<>();
    int objects = 0;
    long bytes = 0;
    for (String key : keys(client, bucket)) {
      byte[] content = read(client, bucket, key);
      objects++;
      bytes += content.length;
      for (Map.Entry<String, byte[]> n : needles.entrySet()) {
        if (indexOf(content, n.getValue(), tables.get(n.getKey())) >= 0) {
          hits.computeIfAbsent(key, k -> new TreeSet<>()).add(n.getKey());
        }
      }
    }
    return new Result(hits, objects, bytes);
  }

  /** The first index of {@code needle} in {@code haystack}, or -1 (Knuth-Morris-Pratt). */
  public static int indexOf(byte[] haystack, byte[] needle) {
    return indexOf(haystack, needle, failureTable(needle));
  }

  private static int indexOf(byte[] haystack, byte[] needle, int[] failure) {
    if (needle.length == 0) {
      return 0;
    }
    int matched = 0;
    for (int i = 0; i < haystack.length; i++) {
      while (matched > 0 && haystack[i] != needle[matched]) {
        matched = failure[matched - 1];
      }
      if (haystack[i] == needle[matched]) {
        matched++;
      }
      if (matched == needle.length) {
        return i - needle.length + 1;
      }
    }
    return -1;
  }

  /** failure[i]: length of the longest proper prefix of needle[0..i] that is also its suffix. */
  private static int[] failureTable(byte[] needle) {
    int[] failure = new int[needle.length];
    int k = 0;
    for (int i = 1; i < needle.length; i++) {
      while (k > 0 && needle[i] != needle[k]) {
        k = failure[k - 1];
      }
      if (needle[i] == needle[k]) {
        k++;
      }
      failure[i] = k;
    }
    return failure;
  }

  private static List<String> keys(MinioClient client, String bucket) {
    List<String> keys = new ArrayList<>();
    try {
      for (io.minio.Result<Item> item :
          client.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
        Item i = item.get();
        if (!i.isDir()) {
          keys.add(i.objectName());
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not list s3://" + bucket + ": " + e, e);
    }
    return keys;
  }

  private static byte[] read(MinioClient client, String bucket, String key) {
    try (GetObjectResponse in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return in.readAllBytes();
    } catch (Exception e) {
      throw new IllegalStateException("could not read s3://" + bucket + "/" + key + ": " + e, e);
    }
  }
}
