package io.lethe.engine.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The loss of the model on one sample, with where the sample comes from, so the attack can be
 * re-run outside Lethe.
 *
 * @param sampleId stable id of the sample
 * @param subjectId the person the sample shows
 * @param group one of {@value #FORGET}, {@value #UNSEEN}, {@value #RETAIN}, {@value #TEST}
 * @param loss the per-sample loss, finite
 */
public record LabelledLoss(
    @JsonProperty("sample_id") String sampleId,
    @JsonProperty("subject_id") String subjectId,
    @JsonProperty("group") String group,
    @JsonProperty("loss") double loss) {
  /** Training samples to be forgotten: members in the attack. */
  public static final String FORGET = "forget";

  /** Samples of subjects never trained on: non-members in the attack. */
  public static final String UNSEEN = "unseen";

  /** Training samples to be kept. */
  public static final String RETAIN = "retain";

  /** Test samples (utility). */
  public static final String TEST = "test";

  public static final List<String> GROUPS = List.of(FORGET, UNSEEN, RETAIN, TEST);

  public LabelledLoss {
    Objects.requireNonNull(sampleId, "sampleId");
    Objects.requireNonNull(subjectId, "subjectId");
    if (!GROUPS.contains(group)) {
      throw new IllegalArgumentException(
          "sample " + sampleId + " has group '" + group + "', expected one of " + GROUPS);
    }
    if (!Double.isFinite(loss)) {
      throw new IllegalArgumentException("sample " + sampleId + " has non-finite loss " + loss);
    }
  }
}
