package io.lethe.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerSampleLossExportTest {
  private static final List<LabelledLoss> LOSSES =
      List.of(
          new LabelledLoss("train/0001.jpg", "s17", LabelledLoss.FORGET, 0.012345678901234567),
          new LabelledLoss("odd, \"quoted\" id", "s,2", LabelledLoss.UNSEEN, 2.5),
          new LabelledLoss("train/0002.jpg", "s3", LabelledLoss.RETAIN, 1e-12),
          new LabelledLoss("test/9.jpg", "s4", LabelledLoss.TEST, 7.0));

  @Test
  void csvHasTheDocumentedHeaderAndQuotesAwkwardFields() throws Exception {
    StringWriter out = new StringWriter();
    PerSampleLossExport.writeCsv(out, LOSSES);

    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).isEqualTo("sample_id,subject_id,group,loss");
    assertThat(lines[1]).isEqualTo("train/0001.jpg,s17,forget,0.012345678901234567");
    assertThat(lines[2]).isEqualTo("\"odd, \"\"quoted\"\" id\",\"s,2\",unseen,2.5");
  }

  @Test
  void csvRoundTripsExactly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("losses.csv");
    PerSampleLossExport.writeCsv(file, LOSSES);

    assertThat(PerSampleLossExport.readCsv(file)).isEqualTo(LOSSES);
  }

  @Test
  void jsonRoundTripsExactlyWithCsvColumnNames(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("losses.json");
    PerSampleLossExport.writeJson(file, LOSSES);

    String json = Files.readString(file);
    assertThat(json).contains("\"sample_id\"", "\"subject_id\"", "\"group\"", "\"loss\"");
    assertThat(PerSampleLossExport.readJson(file)).isEqualTo(LOSSES);
  }

  @Test
  void readsCrLfCsvWithoutTrailingNewline() throws Exception {
    String csv = "sample_id,subject_id,group,loss\r\na,b,forget,1.5\r\nc,d,unseen,2";

    List<LabelledLoss> read = PerSampleLossExport.readCsv(new StringReader(csv));

    assertThat(read)
        .containsExactly(
            new LabelledLoss("a", "b", "forget", 1.5), new LabelledLoss("c", "d", "unseen", 2));
  }

  @Test
  void selectsTheLossesOfOneGroup() {
    assertThat(PerSampleLossExport.lossesOf(LOSSES, LabelledLoss.UNSEEN)).containsExactly(2.5);
    assertThat(PerSampleLossExport.lossesOf(LOSSES, LabelledLoss.FORGET))
        .containsExactly(0.012345678901234567);
    assertThatThrownBy(() -> PerSampleLossExport.lossesOf(LOSSES, "members"))
        .hasMessageContaining("unknown group 'members'");
  }

  @Test
  void rejectsMalformedCsvNamingTheRecord() {
    assertThatThrownBy(() -> PerSampleLossExport.readCsv(new StringReader("id,loss\na,1\n")))
        .hasMessageContaining("must start with the header");
    assertThatThrownBy(
            () ->
                PerSampleLossExport.readCsv(
                    new StringReader("sample_id,subject_id,group,loss\na,b,forget\n")))
        .hasMessageContaining("CSV record 2 has 3 fields, expected 4");
    assertThatThrownBy(
            () ->
                PerSampleLossExport.readCsv(
                    new StringReader("sample_id,subject_id,group,loss\na,b,forget,x\n")))
        .hasMessageContaining("CSV record 2 has loss 'x'");
    assertThatThrownBy(
            () ->
                PerSampleLossExport.readCsv(
                    new StringReader("sample_id,subject_id,group,loss\na,b,member,1\n")))
        .hasMessageContaining("CSV record 2")
        .hasMessageContaining("group 'member'");
  }

  @Test
  void labelledLossRejectsUnknownGroupsAndNonFiniteLosses() {
    assertThatThrownBy(() -> new LabelledLoss("a", "b", "FORGET", 1))
        .hasMessageContaining("expected one of [forget, unseen, retain, test]");
    assertThatThrownBy(() -> new LabelledLoss("a", "b", "forget", Double.NaN))
        .hasMessageContaining("non-finite loss NaN");
  }
}
