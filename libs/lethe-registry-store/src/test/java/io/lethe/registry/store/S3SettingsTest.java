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
}
