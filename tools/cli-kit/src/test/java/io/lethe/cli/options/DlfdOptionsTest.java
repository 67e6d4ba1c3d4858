package io.lethe.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.unlearn.dlfd.DlfdConfig;
import io.lethe.engine.unlearn.registry.MethodRegistry;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DlfdOptionsTest {
  private static DlfdConfig parse(String... args) {
    DlfdOptions options = new DlfdOptions();
    new CommandLine(options).parseArgs(args);
    return options.config();
  }

  @Test
  void monitorCadenceWhileCleanDefaultsToTheMainCadenceWithoutACap() {
    DlfdConfig c = parse("--score-every", "3");

    assertThat(c.scoreEveryWhileClean()).isEqualTo(3);
    assertThat(c.cleanReadingsPerEpoch()).isZero();
  }

  @Test
  void monitorCadenceWhileCleanAndItsPerEpochCapAreSettable() {
    DlfdConfig c =
        parse(
            "--score-every",
            "1",
            "--score-every-while-clean",
            "10",
            "--clean-readings-per-epoch",
            "5");

    assertThat(c.scoreEvery()).isEqualTo(1);
    assertThat(c.cleanPhaseInterval(45)).isEqualTo(10);
    assertThat(c.cleanPhaseInterval(139)).isEqualTo(28);
  }

  @Test
  void aZeroCapIsRejectedByName() {
    assertThatThrownBy(() -> parse("--clean-readings-per-epoch", "0"))
        .hasMessageContaining("clean-phase readings per epoch");
  }

  @Test
  void resumeMarginDefaultsToThePapersSingleThresholdAndIsSettable() {
    assertThat(parse().resumeMargin()).isZero();
    assertThat(parse("--resume-margin", "0.25").resumeMargin()).isEqualTo(0.25);
    assertThatThrownBy(() -> parse("--resume-margin", "1.5")).hasMessageContaining("resume margin");
  }

  @Test
  void theUtilityGuardIsOffByDefaultAndItsOptionsSetIt() {
    assertThat(parse().utilityGuard())
        .isEqualTo(io.lethe.engine.unlearn.UtilityGuardConfig.defaults(false));
    var g =
        parse(
                "--guard-margin",
                "0.1",
                "--guard-slice",
                "64",
                "--guard-every",
                "3",
                "--guard-brakes",
                "1")
            .utilityGuard();
    assertThat(g.margin()).isEqualTo(0.1);
    assertThat(g.sliceSize()).isEqualTo(64);
    assertThat(g.checkEvery()).isEqualTo(3);
    assertThat(g.maxBrakes()).isEqualTo(1);
    assertThat(parse("--no-guard").utilityGuard().enabled()).isFalse();
    assertThat(parse().utilityGuard().enabled()).isFalse();
    assertThat(parse("--guard").utilityGuard().enabled()).isTrue();
    assertThatThrownBy(() -> parse("--guard-margin", "2"))
        .hasMessageContaining("guard margin must be in [0,1]");
  }

  /** The options are the engine registry's keys; --dlfd-set reaches every other one. */
  @Test
  void theOptionsAreTheRegistrysKeysAndDlfdSetReachesEveryOther() {
    DlfdOptions options = new DlfdOptions();
    new CommandLine(options).parseArgs();
    assertThat(MethodRegistry.DLFD.keys()).containsAll(options.settings().keySet());
    assertThat(parse().describe())
        .isEqualTo(DlfdConfig.builder().optRelativeThreshold(0.5).build().describe());

    DlfdConfig c =
        parse(
            "--dlfd-set", "momentum=0.5", "--dlfd-set", "scoreSampleSize=256", "--alpha", "0.002");
    assertThat(c.momentum()).isEqualTo(0.5f);
    assertThat(c.scoreSampleSize()).isEqualTo(256);
    assertThat(c.stepSize()).isEqualTo(0.002);
    assertThat(parse("--dlfd-set", "alpha=0.003", "--alpha", "0.002").stepSize()).isEqualTo(0.003);
    assertThat(parse("--dlfd-set", "threshold=0.2").threshold()).isEqualTo(0.2);
    assertThat(parse("--dlfd-set", "threshold=0.2").describe())
        .doesNotContainKey("relativeThreshold");
    assertThatThrownBy(() -> parse("--dlfd-set", "momentun=0.5"))
        .hasMessageContaining("[momentun]")
        .hasMessageContaining("momentum");
  }
}
