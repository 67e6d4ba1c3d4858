package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.training.DefaultTrainingConfig;
import io.lethe.engine.training.OwnedTrainer;
import io.lethe.engine.training.TaskLoss;
import io.lethe.format.data.LabelSchema;
import io.lethe.format.model.Architecture;
import io.lethe.format.model.ModelSpec;
import io.lethe.format.model.Normalization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device names, the availability check, and a classifier staying on the device it was given. */
class ComputeDeviceTest {
  private static final LabelSchema LABELS = LabelSchema.singleLabel(List.of("a", "b"));
  private static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 16, 2, Normalization.uniform(1, 0.5f, 0.25f));

  @Test
  void parsesTheThreeSpellingsAndNamesThemBack() {
    assertThat(ComputeDevice.parse("cpu")).isEqualTo(ComputeDevice.cpu());
    assertThat(ComputeDevice.parse(" GPU ")).isEqualTo(ComputeDevice.gpu(0));
    assertThat(ComputeDevice.parse("gpu:3")).isEqualTo(ComputeDevice.gpu(3));
    assertThat(ComputeDevice.cpu().name()).isEqualTo("cpu");
    assertThat(ComputeDevice.parse("gpu").name()).isEqualTo("gpu:0");
    assertThat(ComputeDevice.parse("gpu:2").toDjl()).isEqualTo(Device.gpu(2));
    assertThat(ComputeDevice.cpu().toDjl()).isEqualTo(Device.cpu());
    assertThat(ComputeDevice.of(Device.gpu(2))).isEqualTo(ComputeDevice.gpu(2));
    assertThat(ComputeDevice.of(Device.cpu()).isGpu()).isFalse();
  }

  @Test
  void rejectsAnythingElse() {
    for (String bad :
        new String[] {"", "tpu", "gpu:", "gpu:x", "gpu0", "gpu:-1", "cuda:0", "auto"}) {
      assertThatThrownBy(() -> ComputeDevice.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cpu, gpu or gpu:N");
    }
  }

  @Test
  void theCpuIsAlwaysAvailableAndAMissingGpuIsRefusedByName() {
    assertThat(ComputeDevice.cpu().requireAvailable()).isEqualTo(ComputeDevice.cpu());
    int gpus = Engine.getInstance().getGpuCount();
    assertThatThrownBy(() -> ComputeDevice.gpu(gpus).requireAvailable())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("gpu:" + gpus + " requested but the engine")
        .hasMessageContaining(gpus == 0 ? "sees no GPU" : "sees " + gpus + " GPU(s)");
  }

  @Test
  void aClassifierAndItsCopyLiveOnTheDeviceTheyWereGiven() {
    try (Classifier model = Classifier.create(SPEC, LABELS, 1, Device.cpu());
        Classifier copy = model.copy()) {
      assertThat(model.device()).isEqualTo(Device.cpu());
      assertThat(model.manager().newSubManager().getDevice()).isEqualTo(Device.cpu());
      assertThat(copy.device()).isEqualTo(Device.cpu());
      for (var p : model.block().getParameters().values()) {
        assertThat(p.getArray().getDevice()).as(p.getName()).isEqualTo(Device.cpu());
      }
    }
  }

  @Test
  void aTrainerOnAnotherDeviceThanTheModelIsRefused() {
    try (Classifier model = Classifier.create(SPEC, LABELS, 1, Device.cpu())) {
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(TaskLoss.of(LABELS)).optDevices(new Device[] {Device.gpu(0)});
      assertThatThrownBy(() -> new OwnedTrainer(model, config))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be exactly the model's device");
    }
  }
}
