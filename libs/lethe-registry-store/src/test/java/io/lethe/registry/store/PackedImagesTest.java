package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedImagesTest {
  @Test
  void imagesRoundTripWithTheirShape() {
    byte[] a = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    byte[] b = {(byte) 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 128};

    byte[] packed = PackedImages.pack(3, 2, List.of(a, b));
    PackedImages.Unpacked back = PackedImages.unpack(packed, "t");

    assertThat(packed).hasSize(PackedImages.HEADER_BYTES + 24);
    assertThat(back.channels()).isEqualTo(3);
    assertThat(back.side()).isEqualTo(2);
    assertThat(back.images()).hasSize(2);
    assertThat(back.images().get(0)).isEqualTo(a);
    assertThat(back.images().get(1)).isEqualTo(b);
  }

  @Test
  void truncatedOrForeignBytesAreRejected() {
    byte[] packed = PackedImages.pack(1, 2, List.of(new byte[4], new byte[4]));
    byte[] truncated = Arrays.copyOf(packed, packed.length - 1);
    byte[] foreign = packed.clone();
    foreign[0] = 'X';

    assertThatThrownBy(() -> PackedImages.unpack(truncated, "obj"))
        .hasMessageContaining("obj: 7 image bytes, expected 2 x 4");
    assertThatThrownBy(() -> PackedImages.unpack(foreign, "obj")).hasMessageContaining("bad magic");
    assertThatThrownBy(() -> PackedImages.pack(1, 2, List.of(new byte[3])))
        .hasMessageContaining("3 bytes, expected 4");
  }
}
