package io.lethe.testutils.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BucketScanTest {
  @Test
  void findsNeedlesWhereANaiveSearchDoes() {
    Random random = new Random(7);
    for (int round = 0; round < 2_000; round++) {
      // A small alphabet makes partial matches (and KMP's fallbacks) frequent.
      byte[] haystack = new byte[random.nextInt(200)];
      byte[] needle = new byte[1 + random.nextInt(6)];
      fill(random, haystack);
      fill(random, needle);
      assertThat(BucketScan.indexOf(haystack, needle))
          .as("round %d", round)
          .isEqualTo(naive(haystack, needle));
    }
  }

  @Test
  void overlappingPrefixesAreNotSkipped() {
    byte[] haystack = "aaabaaabaaaab".getBytes(StandardCharsets.US_ASCII);
    assertThat(BucketScan.indexOf(haystack, "aaaab".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(8);
    assertThat(BucketScan.indexOf(haystack, "abaaab".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(2);
    assertThat(BucketScan.indexOf(haystack, "aaaaa".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(-1);
  }

  private static void fill(Random random, byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) random.nextInt(3);
    }
  }

  private static int naive(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
