package io.lethe.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvParserTest {
  private static List<CsvParser.Row> parse(String text) throws IOException {
    return CsvParser.parse(new StringReader(text), ',', "m.csv");
  }

  @Test
  void parsesQuotedFieldsEscapedQuotesAndEmbeddedLineBreaks() throws IOException {
    List<CsvParser.Row> rows =
        parse("\uFEFFa,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n,,\n\nlast,2,3");

    assertThat(rows).hasSize(4);
    assertThat(rows.get(0).fields()).containsExactly("a", "b", "c");
    assertThat(rows.get(1).fields()).containsExactly("x,1", "say \"hi\"", "two\nlines");
    assertThat(rows.get(2).fields()).containsExactly("", "", "");
    assertThat(rows.get(2).line()).isEqualTo(4);
    assertThat(rows.get(3).line()).isEqualTo(6);
    assertThat(rows.get(3).fields()).containsExactly("last", "2", "3");
  }

  @Test
  void honoursAnotherDelimiter() throws IOException {
    assertThat(CsvParser.parse(new StringReader("a;b\n1;2\n"), ';', "m.csv").get(1).fields())
        .containsExactly("1", "2");
  }

  @Test
  void unclosedQuoteNamesTheLineItStartsOn() {
    assertThatThrownBy(() -> parse("a,b\n1,\"open\n\n"))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("m.csv line 2: quoted field is never closed");
  }

  @Test
  void textAfterAClosingQuoteIsAnError() {
    assertThatThrownBy(() -> parse("a\n\"x\"y\n"))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("m.csv line 2: text after the closing quote");
  }
}
