package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.api.Method;
import io.lethe.format.checkpoint.CheckpointException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewVersionTest {
  @Test
  void carriesTheCheckpointAndLineage() {
    byte[] p = {1, 2, 3};
    NewVersion v =
        Fixtures.original(p)
            .optParentVersion(2)
            .optForgetRequestIds(List.of("fr-1"))
            .optSubjectsForgotten(List.of("s-1"))
            .build();

    assertThat(v.method()).isEqualTo(Method.TRAIN);
    assertThat(v.parameterBytes()).isEqualTo(p);
    assertThat(v.checkpoint().parametersBytes()).isEqualTo(3);
    assertThat(v.parentVersion()).isEqualTo(2);
    assertThat(v.forgetRequestIds()).containsExactly("fr-1");
    assertThat(v.subjectsForgotten()).containsExactly("s-1");
  }

  @Test
  void namesItsRegistryDatasetOnlyWhenAsked() {
    NewVersion plain = Fixtures.original(new byte[] {1}).build();
    NewVersion linked = Fixtures.original(new byte[] {1}).optDataset("mufac", 3).build();

    assertThat(plain.datasetId()).isNull();
    assertThat(plain.datasetRevision()).isNull();
    assertThat(linked.datasetId()).isEqualTo("mufac");
    assertThat(linked.datasetRevision()).isEqualTo(3);
    assertThatThrownBy(() -> Fixtures.original(new byte[] {1}).optDataset("Bad Id", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("datasetId");
    assertThatThrownBy(() -> Fixtures.original(new byte[] {1}).optDataset("mufac", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 0");
  }

  @Test
  void refusesParametersTheCheckpointDoesNotDescribe() {
    String json = Fixtures.checkpoint("train", new byte[] {1, 2, 3}).toJson();

    assertThatThrownBy(
            () ->
                NewVersion.builder(
                    Method.TRAIN, json, new byte[] {1, 2, 4}, Fixtures.DATASET_VERSION))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("does not match manifest");
  }

  @Test
  void refusesAMalformedCheckpointAndAnInvalidParent() {
    assertThatThrownBy(
            () -> NewVersion.builder(Method.TRAIN, "{}", new byte[0], Fixtures.DATASET_VERSION))
        .isInstanceOf(CheckpointException.class);
    assertThatThrownBy(() -> Fixtures.original(new byte[] {1}).optParentVersion(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copiesTheParametersSoLaterChangesDoNotLeakIn() {
    byte[] p = {1, 2, 3};
    NewVersion v = Fixtures.original(p).build();
    p[0] = 9;
    assertThat(v.parameterBytes()).containsExactly(1, 2, 3);
  }
}
