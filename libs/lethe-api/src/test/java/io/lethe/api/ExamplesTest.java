package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code examples} in each schema conform to it and map onto its record both ways. */
class ExamplesTest {
  private static final Contracts CONTRACTS = Contracts.standard();
  private static final MessageCodec CODEC = new MessageCodec(CONTRACTS);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Numbers compare by value (an example's {@code 12} equals a record's {@code 12.0}). */
  private static final Comparator<JsonNode> NUMERIC =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  static Stream<Arguments> examples() {
    List<Arguments> all = new ArrayList<>();
    for (Contract contract : Contract.values()) {
      JsonNode examples = CONTRACTS.schema(contract).path("examples");
      for (int i = 0; i < examples.size(); i++) {
        all.add(Arguments.of(contract, i, examples.get(i)));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} example {1}")
  @MethodSource("examples")
  void everyExampleConformsToItsSchema(Contract contract, int index, JsonNode example) {
    assertThat(CONTRACTS.validate(contract, example)).isEmpty();
  }

  @ParameterizedTest(name = "{0} example {1}")
  @MethodSource("examples")
  void everyExampleDecodesToItsRecordAndEncodesBackUnchanged(
      Contract contract, int index, JsonNode example) throws Exception {
    Record decoded = CODEC.decode(MAPPER.writeValueAsBytes(example), contract.type());
    JsonNode reencoded = MAPPER.readTree(CODEC.encode(decoded));

    assertThat(reencoded.equals(NUMERIC, example))
        .as("re-encoded %s%n  differs from example %s", reencoded, example)
        .isTrue();
  }
}
