package io.lethe.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lethe.api.ContractViolation;
import io.lethe.api.MessageCodec;
import io.lethe.api.Problem;
import io.lethe.api.Violation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiRequestsTest {
  private static final MessageCodec CODEC = new MessageCodec();

  private static ApiException rejected(Runnable parse) {
    return catchThrowableOfType(ApiException.class, parse::run);
  }

  @Test
  void versionsAreDecimalPositiveIntegers() {
    assertThat(ApiRequests.version("1")).isEqualTo(1);
    assertThat(ApiRequests.version("2147483647")).isEqualTo(Integer.MAX_VALUE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "+1", "01", "1.0", "v2", "", "2147483648", "99999999999"})
  void anythingElseAsAVersionIsA400NamingTheParameter(String value) {
    ApiException e = rejected(() -> ApiRequests.version(value));

    assertThat(e.status()).isEqualTo(400);
    Problem p = e.toProblem("/v1/models/m/versions/" + value);
    assertThat(p.violations()).extracting(Violation::path).containsExactly("$.path.version");
    assertThat(CODEC.decode(CODEC.encode(p), Problem.class)).isEqualTo(p);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Mnist", "-a", "a/b", "a b", ""})
  void modelIdsAndAliasesFollowTheRegistrysNameRule(String value) {
    assertThat(rejected(() -> ApiRequests.modelId(value)).status()).isEqualTo(400);
    assertThat(rejected(() -> ApiRequests.alias(value)).toProblem("/x").violations())
        .extracting(Violation::path)
        .containsExactly("$.path.alias");
  }

  @Test
  void validNamesPassUnchanged() {
    assertThat(ApiRequests.modelId("mnist-cnn.v2_a")).isEqualTo("mnist-cnn.v2_a");
    assertThat(ApiRequests.alias("production")).isEqualTo("production");
  }

  @Test
  void objectsAreNamedByTheirManifestKeyOrItsStem() {
    assertThat(ApiRequests.objectName("parameters")).isEqualTo("parameters.bin");
    assertThat(ApiRequests.objectName("parameters.bin")).isEqualTo("parameters.bin");
    assertThat(ApiRequests.objectName("checkpoint")).isEqualTo("checkpoint.json");
    ApiException unknown = rejected(() -> ApiRequests.objectName("claim.json"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.getMessage()).contains("parameters", "checkpoint");
  }

  @Test
  void anAliasUpdateBodyIsValidatedAgainstItsContract() {
    assertThat(
            ApiRequests.aliasUpdate(CODEC, "{\"version\":4}".getBytes(StandardCharsets.UTF_8))
                .version())
        .isEqualTo(4);
    ContractViolation empty =
        catchThrowableOfType(ContractViolation.class, () -> ApiRequests.aliasUpdate(CODEC, null));
    assertThat(empty.violations()).extracting(Violation::path).containsExactly("$");
    ContractViolation zero =
        catchThrowableOfType(
            ContractViolation.class,
            () ->
                ApiRequests.aliasUpdate(CODEC, "{\"version\":0}".getBytes(StandardCharsets.UTF_8)));
    assertThat(zero.violations()).extracting(Violation::path).containsExactly("$.version");
  }
}
