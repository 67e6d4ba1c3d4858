package io.lethe.registry.store;

import io.lethe.api.EvaluationReportMessage;
import io.lethe.api.Method;
import io.lethe.format.checkpoint.CheckpointManifest;
import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import io.lethe.infra.ServerEnvironment;
import io.minio.MinioClient;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The small MNIST-shaped model, dataset reference and S3 client the store tests share. */
final class Fixtures {
  static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 28, 10, Normalization.uniform(1, 0.5f, 0.5f));
  static final LabelSchema LABELS =
      LabelSchema.singleLabel(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
  static final String DATASET_VERSION = "sha256:" + "ab".repeat(32);
  static final CheckpointManifest.Dataset DATASET =
      new CheckpointManifest.Dataset("mnist", DATASET_VERSION, Map.of("kind", "idx"));

  private Fixtures() {}

  /**
   * A synthetic 1x8x8 dataset: {@code trainSubjects} subjects {@code s000..} with 3 TRAIN samples
   * each, then 2 TEST and 2 UNSEEN samples of other subjects, seeded pixels and labels.
   */
  static ImageDataset dataset(int trainSubjects, long seed) {
    java.util.Random random = new java.util.Random(seed);
    List<Sample> samples = new java.util.ArrayList<>();
    List<byte[]> pixels = new java.util.ArrayList<>();
    for (int s = 0; s < trainSubjects + 4; s++) {
      Split split =
          s < trainSubjects ? Split.TRAIN : s < trainSubjects + 2 ? Split.TEST : Split.UNSEEN;
      int count = split == Split.TRAIN ? 3 : 1;
      for (int n = 0; n < count; n++) {
        String subject = String.format(Locale.ROOT, "s%03d", s);
        samples.add(
            new Sample(
                samples.size(),
                split.name().toLowerCase(Locale.ROOT) + "/" + subject + "_" + n + ".png",
                subject,
                new int[] {random.nextInt(10)},
                split));
        byte[] image = new byte[64];
        random.nextBytes(image);
        pixels.add(image);
      }
    }
    return new ImageDataset("synthetic", LABELS, 1, 8, samples, pixels);
  }

  /** The engine manifest of a checkpoint whose parameters are {@code parameters}. */
  static CheckpointManifest checkpoint(String method, byte[] parameters) {
    return CheckpointManifest.builder(method, DATASET).build(SPEC, LABELS, parameters);
  }

  /** An original model version holding {@code parameters}. */
  static NewVersion.Builder original(byte[] parameters) {
    return NewVersion.builder(
        Method.TRAIN, checkpoint("train", parameters).toJson(), parameters, DATASET_VERSION);
  }

  static EvaluationReportMessage evaluation(String modelId, int version, double testAccuracy) {
    return new EvaluationReportMessage(
        "fr-1",
        "corr-1",
        modelId,
        version,
        testAccuracy,
        0.8,
        new EvaluationReportMessage.Mia(0.538, 0.012, List.of(0.531, 0.549)),
        0.038,
        0.768,
        List.of(new EvaluationReportMessage.Gate("maxForgettingScore", true, "0.038 <= 0.05")),
        true,
        Instant.parse("2025-01-31T12:03:00Z"));
  }

  /** A client for the test S3 server ({@link ServerEnvironment#s3()}). */
  static MinioClient client() {
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    return MinioClient.builder()
        .endpoint(s3.endpoint())
        .credentials(s3.accessKey(), s3.secretKey())
        .region(s3.region())
        .build();
  }

  static S3Settings settings(String bucket) {
    ServerEnvironment.S3 s3 = ServerEnvironment.s3();
    return new S3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), bucket);
  }

  /** A bucket name no other test (or earlier run against a shared server) uses. */
  static String uniqueBucket(String prefix) {
    return (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
  }
}
