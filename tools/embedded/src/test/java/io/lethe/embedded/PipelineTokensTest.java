package io.lethe.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTokensTest {
  @TempDir Path dir;

  @Test
  void aServingPipelineKeepsItsTokensAcrossRestarts() throws Exception {
    Path file = dir.resolve("state").resolve(PipelineTokens.FILE);
    PipelineTokens first = PipelineTokens.readOrCreate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    PipelineTokens again = PipelineTokens.readOrCreate(file);
    assertThat(again.admin()).isEqualTo(first.admin());
    assertThat(again.read()).isEqualTo(first.read());
    assertThat(again.submit()).isEqualTo(first.submit());
    assertThat(again.config()).isEqualTo(first.config());
    assertThat(again.toString()).doesNotContain(first.submit());
  }

  @Test
  void aTokenFileOthersCanReadOrWithoutATokenIsRefused() throws Exception {
    Path file = dir.resolve(PipelineTokens.FILE);
    PipelineTokens.readOrCreate(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> PipelineTokens.readOrCreate(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("others may read it");

    Path partial = dir.resolve("partial");
    Files.createFile(
        partial,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(partial, "admin=a\nread=b\n");
    assertThatThrownBy(() -> PipelineTokens.readOrCreate(partial))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no submit= token");
  }
}
