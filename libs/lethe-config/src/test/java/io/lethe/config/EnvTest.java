package io.lethe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code X_FILE} secrets. */
class EnvTest {
  @TempDir Path dir;

  @Test
  void aVariableMayBeReadFromAFileTrimmed() throws Exception {
    Path file = Files.writeString(dir.resolve("v"), "  from-file \n");
    Env env = new Env(Map.of("X_FILE", file.toString()));

    assertThat(env.optional("X")).contains("from-file");
    assertThat(env.required("X", "x")).isEqualTo("from-file");
    assertThat(new Env(Map.of("X", " direct ")).optional("X")).contains("direct");
  }

  @Test
  void bothFormsOrAnUnreadableFileAreErrorsNamingTheVariable() {
    assertThatThrownBy(() -> new Env(Map.of("X", "a", "X_FILE", "/etc/hosts")).optional("X"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("both X and X_FILE are set");
    assertThatThrownBy(() -> new Env(Map.of("X_FILE", dir + "/missing")).optional("X"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("X_FILE names '" + dir + "/missing'");
  }
}
