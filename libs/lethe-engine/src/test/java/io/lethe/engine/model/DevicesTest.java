package io.lethe.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.training.DefaultTrainingConfig;
import io.lethe.engine.data.LabelSchema;
import io.lethe.engine.training.OwnedTrainer;
import io.lethe.engine.training.TaskLoss;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device names, the availability check, and a classifier staying on the device it was given. */
class DevicesTest {
  private static final LabelSchema LABELS = LabelSchema.singleLabel(List.of("a", "b"));
  private static final ModelSpec SPEC =
      ModelSpec.of(Architecture.SMALL_CNN, 1, 16, 2, Normalization.uniform(1, 0.5f, 0.25f));

  @Test
  void parsesTheThreeSpellingsAndNamesThemBack() {
    assertThat(Devices.parse("cpu")).isEqualTo(Device.cpu());
    assertThat(Devices.parse(" GPU ")).isEqualTo(Device.gpu(0));
    assertThat(Devices.parse("gpu:3")).isEqualTo(Device.gpu(3));
    assertThat(Devices.name(Device.cpu())).isEqualTo("cpu");
    assertThat(Devices.name(Devices.parse("gpu"))).isEqualTo("gpu:0");
    assertThat(Devices.name(Device.gpu(2))).isEqualTo("gpu:2");
  }

  @Test
  void rejectsAnythingElse() {
    for (String bad :
        new String[] {"", "tpu", "gpu:", "gpu:x", "gpu0", "gpu:-1", "cuda:0", "auto"}) {
      assertThatThrownBy(() -> Devices.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cpu, gpu or gpu:N");
    }
  }

  @Test
  void theCpuIsAlwaysAvailableAndAMissingGpuIsRefusedByName() {
    assertThat(Devices.requireAvailable(Device.cpu())).isEqualTo(Device.cpu());
    int gpus = Engine.getInstance().getGpuCount();
    assertThatThrownBy(() -> Devices.requireAvailable(Device.gpu(gpus)))
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
