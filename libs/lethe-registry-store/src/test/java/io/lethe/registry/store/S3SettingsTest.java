package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3SettingsTest {
  private static S3Settings settings(String endpoint, String bucket) {
    return new S3Settings(endpoint, "access", "secret", "us-east-1", bucket);
  }

  @Test
  void acceptsAnHttpEndpointAndAValidBucket() {
    S3Settings s = settings("http://127.0.0.1:9000", "lethe-models");
    assertThat(s.bucket()).isEqualTo("lethe-models");
    assertThat(s.newClient()).isNotNull();
  }

  @Test
  void refusesAMissingField() {
    assertThatThrownBy(() -> new S3Settings("http://h", " ", "s", "r", "bucket"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessKey is missing");
  }

  @Test
  void refusesAnEndpointThatIsNotHttpOrHasAPath() {
    assertThatThrownBy(() -> settings("ftp://host", "bucket"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be http(s)://host[:port]");
    assertThatThrownBy(() -> settings("http://host:9000/lethe-models", "bucket"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not have a path");
  }

  @Test
  void refusesAnInvalidBucketName() {
    for (String bad : new String[] {"ab", "Upper", "under_score", "-lead", "a..b"}) {
      assertThatThrownBy(() -> settings("http://host", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a valid S3 bucket name");
    }
  }

  @Test
  void toStringHidesTheSecretKey() {
    assertThat(settings("http://host", "bucket").toString())
        .contains("accessKey=access")
        .doesNotContain("secret=")
        .doesNotContain("=secret");
  }

  @Test
  void credentialsMayComeFromFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("s"), " s3cr3t\n");
    java.util.Map<String, String> env =
        new java.util.HashMap<>(
            java.util.Map.of(
                S3Settings.ENDPOINT_VARIABLE, "http://127.0.0.1:9000",
                S3Settings.ACCESS_KEY_VARIABLE, "lethe",
                S3Settings.SECRET_KEY_FILE_VARIABLE, secret.toString()));

    S3Settings s = S3Settings.fromEnv(env, "lethe-models");
    assertThat(s.secretKey()).isEqualTo("s3cr3t");
    assertThat(s.toString()).doesNotContain("s3cr3t");

    env.put(S3Settings.SECRET_KEY_VARIABLE, "other");
    assertThatThrownBy(() -> S3Settings.fromEnv(env, "b"))
        .hasMessageContaining("both S3_SECRET_KEY and S3_SECRET_KEY_FILE are set")
        .hasMessageNotContaining("other");
    env.remove(S3Settings.SECRET_KEY_VARIABLE);
    env.put(S3Settings.SECRET_KEY_FILE_VARIABLE, dir.resolve("missing").toString());
    assertThatThrownBy(() -> S3Settings.fromEnv(env, "b"))
        .hasMessageContaining("S3_SECRET_KEY_FILE names '" + dir.resolve("missing") + "'");
    java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty"), " \n");
    env.put(S3Settings.SECRET_KEY_FILE_VARIABLE, empty.toString());
    assertThatThrownBy(() -> S3Settings.fromEnv(env, "b"))
        .hasMessageContaining("S3_SECRET_KEY_FILE names '" + empty + "', which is empty");
  }
}
