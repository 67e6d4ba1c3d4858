package io.lethe.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthSettingsTest {
  private static final String TOKEN = TokenHash.newToken();
  private static final String LINE = ApiTokens.line("ops", Set.of(Scope.ADMIN), TOKEN);

  @TempDir Path dir;

  @Test
  void tokensInline() {
    AuthSettings s = AuthSettings.fromEnv(Map.of(AuthSettings.TOKENS, LINE));

    assertThat(s.enabled()).isTrue();
    assertThat(s.tokens().authenticate(TOKEN)).isPresent();
    assertThat(s.toString()).isEqualTo("AuthSettings[on, 1 tokens]").doesNotContain("ops");
  }

  @Test
  void tokensFromAFileWithItsLineNumbersInErrors() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "# ops\n" + LINE + "\n");
    assertThat(
            AuthSettings.fromEnv(Map.of(AuthSettings.TOKENS_FILE, file.toString()))
                .tokens()
                .authenticate(TOKEN))
        .isPresent();

    Files.writeString(file, "# ops\n" + LINE + "\nbroken\n");
    assertThatThrownBy(
            () -> AuthSettings.fromEnv(Map.of(AuthSettings.TOKENS_FILE, file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LETHE_API_TOKENS_FILE line 3:");
  }

  @Test
  void aMissingFileOrBothFormsAreRefused() {
    assertThatThrownBy(() -> AuthSettings.fromEnv(Map.of(AuthSettings.TOKENS_FILE, dir + "/nope")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LETHE_API_TOKENS_FILE names '" + dir + "/nope'");
    assertThatThrownBy(
            () ->
                AuthSettings.fromEnv(
                    Map.of(AuthSettings.TOKENS, LINE, AuthSettings.TOKENS_FILE, dir + "/x")))
        .hasMessageContaining("both LETHE_API_TOKENS and LETHE_API_TOKENS_FILE are set");
  }

  @Test
  void noTokensRefusesToStartUnlessAuthIsExplicitlyOff() {
    assertThatThrownBy(() -> AuthSettings.fromEnv(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no API token is configured")
        .hasMessageContaining("LETHE_AUTH=off");
    assertThatThrownBy(() -> AuthSettings.fromEnv(Map.of(AuthSettings.TOKENS, "# only a comment")))
        .hasMessageContaining("no API token is configured");

    AuthSettings off = AuthSettings.fromEnv(Map.of(AuthSettings.AUTH, "OFF"));
    assertThat(off.enabled()).isFalse();
    assertThat(off.tokens().isEmpty()).isTrue();

    assertThatThrownBy(
            () -> AuthSettings.fromEnv(Map.of(AuthSettings.AUTH, "off", AuthSettings.TOKENS, LINE)))
        .hasMessageContaining("LETHE_AUTH=off but API tokens are configured");
    assertThatThrownBy(() -> AuthSettings.fromEnv(Map.of(AuthSettings.AUTH, "false")))
        .hasMessageContaining("LETHE_AUTH must be on or off");
  }
}
