package io.lethe.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.format.data.Sample;
import io.lethe.format.data.Split;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleTableTest {
  @Test
  void samplesRoundTripIncludingQuotedIdsAndMultiLabelValues() {
    List<Sample> samples =
        List.of(
            new Sample(0, "train/a,b.png", "subject \"one\"", new int[] {3}, Split.TRAIN),
            new Sample(1, "test/c.png", "s-2", new int[] {1, 0, 1}, Split.TEST),
            new Sample(2, "unseen/d.png", "s-3", new int[] {0}, Split.UNSEEN));

    byte[] csv = SampleTable.encode(samples);

    assertThat(new String(csv, StandardCharsets.UTF_8))
        .startsWith(
            "sample_id,subject_id,label,split\n\"train/a,b.png\",\"subject \"\"one\"\"\",3,train\n")
        .contains("test/c.png,s-2,1 0 1,test\n");
    assertThat(SampleTable.decode(csv, "t")).isEqualTo(samples);
  }

  @Test
  void malformedRowsAreRejectedWithTheirLine() {
    byte[] wrongHeader = "id,subject\n".getBytes(StandardCharsets.UTF_8);
    byte[] badLabel =
        "sample_id,subject_id,label,split\na,s,x,train\n".getBytes(StandardCharsets.UTF_8);
    byte[] shortRow = "sample_id,subject_id,label,split\na,s,1\n".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> SampleTable.decode(wrongHeader, "obj"))
        .hasMessageContaining("obj: the first line must be");
    assertThatThrownBy(() -> SampleTable.decode(badLabel, "obj"))
        .hasMessageContaining("obj line 2: label 'x' is not an integer");
    assertThatThrownBy(() -> SampleTable.decode(shortRow, "obj"))
        .hasMessageContaining("obj line 2: expected 4 fields, found 3");
  }
}
