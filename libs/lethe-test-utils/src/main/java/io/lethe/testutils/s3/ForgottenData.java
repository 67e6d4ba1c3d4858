package io.lethe.testutils.s3;

import io.lethe.format.data.ImageDataset;
import io.lethe.format.data.Sample;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Needles for {@link BucketScan}: the bytes by which a subject's data would show in an object. */
public final class ForgottenData {
  private ForgottenData() {}

  /**
   * Per sample of {@code subjects}: its image as {@code images.bin} stores it (CHW bytes, pixel
   * times 255 rounded, as {@code DatasetStore.putSnapshot} packs it), named {@code image <id>}, and
   * the start of its {@code samples.csv} row, named {@code row <id>}.
   */
  public static Map<String, byte[]> samples(ImageDataset ds, Set<String> subjects) {
    Map<String, byte[]> needles = new LinkedHashMap<>();
    float[] pixels = new float[ds.imageSize()];
    for (Sample s : ds.samples()) {
      if (!subjects.contains(s.subjectId())) {
        continue;
      }
      ds.copyPixels(s.index(), pixels, 0);
      byte[] image = new byte[pixels.length];
      for (int i = 0; i < pixels.length; i++) {
        image[i] = (byte) Math.round(pixels[i] * 255f);
      }
      needles.put("image " + s.sampleId(), image);
      needles.put(
          "row " + s.sampleId(),
          (s.sampleId() + "," + s.subjectId() + ",").getBytes(StandardCharsets.UTF_8));
    }
    return needles;
  }
}
