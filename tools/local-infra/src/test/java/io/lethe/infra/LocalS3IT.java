package io.lethe.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalS3IT {
  private static final Path ROOT =
      Paths.get("target", "it-servers", "s3-" + UUID.randomUUID()).toAbsolutePath();
  private static final int MIB = 1024 * 1024;
  private static LocalS3 s3;
  private static MinioClient client;

  @BeforeAll
  static void startServer() {
    s3 = LocalS3.builder(ROOT.resolve("s3")).build().start();
    System.out.println("LocalS3 started in " + s3.startTime().toMillis() + " ms");
    client =
        MinioClient.builder()
            .endpoint(s3.endpoint())
            .credentials(s3.accessKey(), s3.secretKey())
            .region(s3.region())
            .build();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (s3 == null) {
      return;
    }
    int port = s3.port();
    s3.stop();
    assertThat(s3.isRunning()).isFalse();
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void putsAndGetsASmallObject() throws Exception {
    String bucket = "checkpoints";
    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    assertThat(client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())).isTrue();

    byte[] data = "model weights, version 1".getBytes(StandardCharsets.UTF_8);
    ObjectWriteResponse put =
        client.putObject(
            PutObjectArgs.builder()
                .bucket(bucket)
                .object("runs/original/model.params")
                .data(data, data.length)
                .build());

    String md5 = hex(MessageDigest.getInstance("MD5").digest(data));
    assertThat(unquote(put.etag())).isEqualTo(md5);
    StatObjectResponse stat =
        client.statObject(
            StatObjectArgs.builder().bucket(bucket).object("runs/original/model.params").build());
    assertThat(stat.size()).isEqualTo(data.length);
    assertThat(unquote(stat.etag())).isEqualTo(md5);
    assertThat(get(bucket, "runs/original/model.params")).isEqualTo(data);
  }

  @Test
  void uploadsALargeObjectInParts() throws Exception {
    String bucket = "multipart";
    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    byte[] data = new byte[12 * MIB + 123];
    new Random(42).nextBytes(data);
    long partSize = 5L * MIB;

    ObjectWriteResponse put =
        client.putObject(
            PutObjectArgs.builder().bucket(bucket).object("big.bin").stream(
                    new ByteArrayInputStream(data), (long) data.length, partSize)
                .build());

    // A multipart ETag is md5(concatenated part md5s) + "-" + number of parts.
    ByteArrayOutputStream partDigests = new ByteArrayOutputStream();
    int parts = 0;
    for (int offset = 0; offset < data.length; offset += (int) partSize) {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(data, offset, (int) Math.min(partSize, data.length - offset));
      partDigests.write(md5.digest());
      parts++;
    }
    assertThat(parts).isEqualTo(3);
    String expectedEtag =
        hex(MessageDigest.getInstance("MD5").digest(partDigests.toByteArray())) + "-" + parts;
    assertThat(unquote(put.etag())).isEqualTo(expectedEtag);

    byte[] back = get(bucket, "big.bin");
    assertThat(back.length).isEqualTo(data.length);
    assertThat(sha256(back)).isEqualTo(sha256(data));
  }

  @Test
  void aSecondServerOnAnOccupiedPortFailsWithAClearMessage() {
    LocalS3 second = LocalS3.builder(ROOT.resolve("second")).port(s3.port()).build();
    assertThatThrownBy(second::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("port 127.0.0.1:" + s3.port() + " is already in use");
  }

  private static byte[] get(String bucket, String object) throws Exception {
    try (GetObjectResponse in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(object).build())) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] data) throws Exception {
    return hex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String unquote(String etag) {
    return etag.replace("\"", "");
  }
}
