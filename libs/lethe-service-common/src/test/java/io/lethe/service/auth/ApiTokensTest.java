package io.lethe.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.config.ConfigException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiTokensTest {
  private static final String ADMIN = TokenHash.newToken();
  private static final String READ = TokenHash.newToken();
  private static final String SUBMIT = TokenHash.newToken();

  private static final String FILE =
      String.join(
          "\n",
          "# operators",
          "",
          ApiTokens.line("ops-alice", Set.of(Scope.ADMIN), ADMIN),
          "   " + ApiTokens.line("grafana", Set.of(Scope.READ), READ) + "   ",
          "  # the erasure portal",
          ApiTokens.line("portal", EnumSet.of(Scope.SUBMIT), SUBMIT),
          "");

  @Test
  void parsesEntriesSkippingBlankLinesAndComments() {
    ApiTokens tokens = ApiTokens.parse(FILE, "LETHE_API_TOKENS");

    assertThat(tokens.names()).containsExactly("ops-alice", "grafana", "portal");
    assertThat(tokens.toString()).isEqualTo("ApiTokens[3 entries]");
  }

  @Test
  void aTokenIsKnownByItsHashAndNamesItsEntry() {
    ApiTokens tokens = ApiTokens.parse(FILE, "x");

    assertThat(tokens.authenticate(ADMIN)).map(Principal::name).contains("ops-alice");
    assertThat(tokens.authenticate(READ)).map(Principal::name).contains("grafana");
    assertThat(tokens.authenticate(SUBMIT)).map(Principal::name).contains("portal");
    assertThat(tokens.authenticate(TokenHash.newToken())).isEmpty();
    assertThat(tokens.authenticate("")).isEmpty();
    // The file holds hashes: presenting a hash is not presenting the token.
    assertThat(tokens.authenticate(TokenHash.sha256Hex(ADMIN))).isEmpty();
  }

  @Test
  void adminImpliesReadWhileSubmitAndReadAreIndependent() {
    ApiTokens tokens = ApiTokens.parse(FILE, "x");

    Principal admin = tokens.authenticate(ADMIN).orElseThrow();
    Principal read = tokens.authenticate(READ).orElseThrow();
    Principal submit = tokens.authenticate(SUBMIT).orElseThrow();
    assertThat(admin.scopes()).containsExactlyInAnyOrder(Scope.ADMIN, Scope.READ);
    assertThat(read.scopes()).containsExactly(Scope.READ);
    assertThat(submit.scopes()).containsExactly(Scope.SUBMIT);
    assertThat(read.has(Scope.SUBMIT)).isFalse();
    assertThat(submit.has(Scope.READ)).isFalse();
    assertThat(read.has(Scope.ADMIN)).isFalse();
    assertThat(submit.hasAny(EnumSet.of(Scope.SUBMIT, Scope.READ))).isTrue();
  }

  @Test
  void severalScopesOnOneLine() {
    String token = TokenHash.newToken();
    ApiTokens tokens =
        ApiTokens.parse("ci:submit, READ:sha256:" + TokenHash.sha256Hex(token).toUpperCase(), "x");

    assertThat(tokens.authenticate(token).orElseThrow().scopes())
        .containsExactlyInAnyOrder(Scope.SUBMIT, Scope.READ);
  }

  @Test
  void aBadLineFailsWithItsNumberButNeverEchoesTheLine() {
    String hash = TokenHash.sha256Hex(ADMIN);
    String[][] cases = {
      {"ops:admin:" + hash, "expected name:scope"},
      {"ops:admin:md5:" + hash, "sha256"},
      {"ops:admin:sha256:" + hash.substring(1), "64 hex digits"},
      {"ops:superuser:sha256:" + hash, "unknown scope 'superuser'"},
      {"ops::sha256:" + hash, "empty scope"},
      {"-ops:admin:sha256:" + hash, "the name must be"},
      {ADMIN, "expected name:scope"}, // a token pasted instead of a line
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> ApiTokens.parse("# header\n\n" + c[0], "LETHE_API_TOKENS_FILE"))
          .as(c[1])
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("LETHE_API_TOKENS_FILE line 3: ")
          .hasMessageContaining(c[1])
          .hasMessageNotContaining(hash)
          .hasMessageNotContaining(hash.substring(1))
          .hasMessageNotContaining(ADMIN);
    }
  }

  @Test
  void namesAndHashesAreUnique() {
    String a = ApiTokens.line("ops", Set.of(Scope.ADMIN), ADMIN);
    assertThatThrownBy(
            () -> ApiTokens.parse(a + "\n" + ApiTokens.line("ops", Set.of(Scope.READ), READ), "f"))
        .hasMessageContaining("f line 2: the name 'ops' is used by an earlier line");
    assertThatThrownBy(
            () ->
                ApiTokens.parse(a + "\n" + ApiTokens.line("ops2", Set.of(Scope.READ), ADMIN), "f"))
        .hasMessageContaining("f line 2: the same token hash is on an earlier line");
  }

  @Test
  void newTokensAreLongRandomAndUrlSafe() {
    String t = TokenHash.newToken();
    assertThat(t).matches("^[A-Za-z0-9_-]{43}$").isNotEqualTo(TokenHash.newToken());
  }
}
