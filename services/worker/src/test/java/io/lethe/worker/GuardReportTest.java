package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.MessageCodec;
import io.lethe.api.UnlearningResult;
import io.lethe.engine.unlearn.UtilityGuardReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's guard report, as the worker puts it in the unlearning-result message. */
class GuardReportTest {
  @Test
  void anActiveGuardsDecisionsGoIntoTheResultAndAnInactiveOneLeavesNoField() {
    UtilityGuardReport stopped =
        new UtilityGuardReport(
            true,
            0.05,
            37,
            0.973,
            5,
            2,
            true,
            "stopped at step 30: ...",
            0.946,
            List.of(0.97, 0.80, 0.96, 0.79, 0.95),
            0.4);

    UnlearningResult.Guard g = UnlearningResults.guard(stopped);

    assertThat(g)
        .isEqualTo(
            new UnlearningResult.Guard(
                5, 2, true, "stopped at step 30: ...", 0.05, 37, 0.973, 0.946));
    assertThat(UnlearningResults.guard(UtilityGuardReport.OFF)).isNull();
    assertThat(UnlearningResults.guard(null)).isNull();
  }

  @Test
  void aLongReasonIsCutToWhatTheSchemaAllows() {
    UtilityGuardReport r =
        new UtilityGuardReport(
            true, 0.05, 37, 0.9, 1, 0, true, "x".repeat(5000), 0.9, List.of(0.9), 0.1);
    UnlearningResult.Guard g = UnlearningResults.guard(r);

    assertThat(g.reason()).hasSize(1000).endsWith("...");
    UnlearningResult result =
        new UnlearningResult(
            "fr-1",
            "c-1",
            "m",
            1,
            2,
            io.lethe.api.Method.DLFD,
            UnlearningResult.Status.SUCCEEDED,
            new UnlearningResult.Checkpoint("s3://b/m/v2/", "sha256:" + "0".repeat(64), 1),
            1.0,
            null,
            java.time.Instant.parse("2025-01-31T12:00:00Z"),
            "cpu",
            UnlearningResult.HonouredBy.NEW_VERSION,
            g);
    MessageCodec codec = new MessageCodec();
    assertThat(codec.decode(codec.encode(result), UnlearningResult.class)).isEqualTo(result);
  }
}
