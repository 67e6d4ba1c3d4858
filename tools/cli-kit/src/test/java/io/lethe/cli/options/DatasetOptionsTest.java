package io.lethe.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.engine.data.DatasetSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DatasetOptionsTest {
  private static DatasetSource parse(String... args) {
    DatasetOptions options = new DatasetOptions();
    new CommandLine(options).parseArgs(args);
    return options.toSource();
  }

  @Test
  void formatFoldersDescribesAClassFolderSourceWithItsSubjectSplit() {
    DatasetSource s =
        parse(
            "--format",
            "folders",
            "--images",
            "/data/ck",
            "--subject-pattern",
            "^(S\\d+)_",
            "--test-fraction",
            "0.3",
            "--unseen-fraction",
            "0.1",
            "--data-seed",
            "5",
            "--side",
            "48",
            "--channels",
            "1");

    assertThat(s.kind()).isEqualTo(DatasetSource.FOLDERS);
    assertThat(s.options())
        .isEqualTo(
            Map.of(
                "images", "/data/ck",
                "subjectPattern", "^(S\\d+)_",
                "testFraction", "0.3",
                "unseenFraction", "0.1",
                "seed", "5",
                "side", "48",
                "channels", "1"));
    assertThat(
            parse("--data", "folders", "--images", "/d", "--split-folders", "train,test").options())
        .containsEntry("splitFolders", "train,test")
        .doesNotContainKey("subjectPattern");
  }

  @Test
  void formatCsvRecordsTheColumnMapping() {
    DatasetSource s =
        parse(
            "--data",
            "csv",
            "--format",
            "csv",
            "--manifest",
            "faces.csv",
            "--images",
            "/imgs",
            "--image-column",
            "file",
            "--label-column",
            "emotion",
            "--label-names",
            "anger,happy",
            "--subject-column",
            "person",
            "--split-column",
            "part");

    assertThat(s.kind()).isEqualTo(DatasetSource.CSV);
    assertThat(s.options())
        .containsEntry("format", "csv")
        .containsEntry("imageColumn", "file")
        .containsEntry("labelColumn", "emotion")
        .containsEntry("labelNames", "anger,happy")
        .containsEntry("subjectColumn", "person")
        .containsEntry("splitColumn", "part")
        .containsEntry("testFraction", "0.2")
        .containsEntry("unseenFraction", "0.25")
        .containsEntry("seed", "1");
  }

  @Test
  void presetsAndIdxDescribeTheSameSourcesAsBefore() {
    assertThat(parse("--data", "csv", "--manifest", "t.csv:train", "--images", "/i").options())
        .containsOnlyKeys("manifests", "images", "format", "side", "channels")
        .containsEntry("format", "mufac");
    assertThat(parse("--manifest", "t.csv", "--images", "/i", "--format", "raf-db").kind())
        .isEqualTo(DatasetSource.CSV);
    assertThat(parse().options()).containsEntry("preset", "fashion-mnist");
  }

  @Test
  void badCombinationsNameTheOptions() {
    assertThatThrownBy(() -> parse("--format", "folders"))
        .hasMessageContaining("--data folders needs --images ROOT");
    assertThatThrownBy(
            () -> parse("--data", "csv", "--format", "csv", "--manifest", "m.csv", "--images", "i"))
        .hasMessageContaining("--format csv needs --image-column and --label-column");
    assertThatThrownBy(
            () ->
                parse(
                    "--manifest",
                    "m.csv",
                    "--images",
                    "i",
                    "--format",
                    "mufac",
                    "--label-column",
                    "y"))
        .hasMessageContaining("--label-column do(es) not apply to a preset (--format mufac)");
    assertThatThrownBy(
            () -> parse("--format", "folders", "--images", "i", "--subject-column", "who"))
        .hasMessageContaining("--subject-column do(es) not apply to --data folders");
    assertThatThrownBy(() -> parse("--split-folders", "train,test"))
        .hasMessageContaining("--split-folders do(es) not apply to --data fashion-mnist");
    assertThatThrownBy(() -> parse("--data", "folders", "--format", "mufac", "--images", "i"))
        .hasMessageContaining("--format mufac does not apply");
    assertThatThrownBy(
            () ->
                parse(
                    "--data",
                    "csv",
                    "--format",
                    "csv",
                    "--manifest",
                    "m.csv",
                    "--images",
                    "i",
                    "--image-column",
                    "f",
                    "--label-column",
                    "y",
                    "--subject-column",
                    "p",
                    "--subject-pattern",
                    "(x)"))
        .hasMessageContaining("--subject-column and --subject-pattern are exclusive");
  }
}
