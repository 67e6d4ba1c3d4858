package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AliasUpdateTest {
  private static final MessageCodec CODEC = new MessageCodec();

  private static AliasUpdate decode(String json) {
    return CODEC.decode(json.getBytes(StandardCharsets.UTF_8), AliasUpdate.class);
  }

  private static ContractViolation rejected(String json) {
    return catchThrowableOfType(ContractViolation.class, () -> decode(json));
  }

  @Test
  void aVersionAloneIsAnUnforcedUpdate() {
    AliasUpdate update = decode("{\"version\": 3}");

    assertThat(update.version()).isEqualTo(3);
    assertThat(update.forced()).isFalse();
    assertThat(decode("{\"version\": 2, \"force\": true}").forced()).isTrue();
  }

  @Test
  void theContractIsTheAliasUpdateSchema() {
    assertThat(Contract.of(AliasUpdate.class)).isEqualTo(Contract.ALIAS_UPDATE);
    assertThat(Contract.ALIAS_UPDATE.tag()).isEqualTo("alias-update.v1");
  }

  @Test
  void aMissingZeroOrFractionalVersionIsRejectedWithItsPath() {
    assertThat(rejected("{}").violations()).extracting(Violation::path).containsExactly("$");
    assertThat(rejected("{\"version\": 0}").violations())
        .extracting(Violation::path)
        .containsExactly("$.version");
    assertThat(rejected("{\"version\": 1.5}").violations())
        .extracting(Violation::path)
        .containsExactly("$.version");
  }

  @Test
  void unknownPropertiesAndNonBooleanForceAreRejected() {
    assertThat(rejected("{\"version\": 1, \"alias\": \"production\"}")).isNotNull();
    assertThat(rejected("{\"version\": 1, \"force\": \"yes\"}").violations())
        .extracting(Violation::path)
        .containsExactly("$.force");
  }
}
