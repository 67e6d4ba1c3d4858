package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The files in {@code schemas/} themselves: valid, identified, exemplified, registered. */
class SchemaFilesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Contracts CONTRACTS = Contracts.standard();

  static Path schemasDir() {
    String dir = System.getProperty("lethe.schemas.dir", "../../schemas");
    return Path.of(dir).toAbsolutePath().normalize();
  }

  static Stream<Path> schemaFiles() throws IOException {
    try (Stream<Path> files = Files.list(schemasDir())) {
      List<Path> json = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
      assertThat(json).as("schema files in %s", schemasDir()).isNotEmpty();
      return json.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaFiles")
  void everySchemaFileIsAValidDraft202012SchemaWithIdAndExamples(Path file) throws IOException {
    JsonNode schema = MAPPER.readTree(file.toFile());
    String name = file.getFileName().toString();

    assertThat(name).matches("[a-z][a-z0-9-]*\\.v[1-9][0-9]*\\.json");
    assertThat(CONTRACTS.validateSchema(schema)).as(name).isEmpty();
    assertThat(schema.path("$id").asText()).isEqualTo("https://lethe.dev/schemas/" + name);
    assertThat(schema.path("examples").isArray()).as("%s has examples", name).isTrue();
    assertThat(schema.path("examples")).as("%s has examples", name).isNotEmpty();
    assertThat(schema.path("additionalProperties").asBoolean(true))
        .as("%s forbids unknown top-level properties", name)
        .isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaFiles")
  void everySchemaFileIsARegisteredContractAndPackagedUnchanged(Path file) throws IOException {
    String name = file.getFileName().toString();
    Contract contract =
        Arrays.stream(Contract.values())
            .filter(c -> c.fileName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + " has no Contract constant"));

    assertThat(CONTRACTS.schema(contract)).isEqualTo(MAPPER.readTree(file.toFile()));
  }

  @Test
  void everyContractHasASchemaFile() {
    for (Contract contract : Contract.values()) {
      assertThat(schemasDir().resolve(contract.fileName())).exists();
    }
  }

  @Test
  void aSchemaWithAnUnknownTypeOrABadRegexIsNotAValidSchema() {
    ObjectNode broken = (ObjectNode) CONTRACTS.schema(Contract.FORGET_REQUEST);
    ((ObjectNode) broken.path("properties").path("method")).put("type", "strnig");
    ((ObjectNode) broken.path("$defs").path("id")).put("pattern", "^[a-z");

    List<Violation> violations = CONTRACTS.validateSchema(broken);

    assertThat(violations)
        .extracting(Violation::path)
        .contains("$.properties.method.type", "$['$defs'].id.pattern");
  }

  @Test
  void aSchemaOfAnotherDialectIsRejected() {
    ObjectNode other = (ObjectNode) CONTRACTS.schema(Contract.PROBLEM);
    other.put("$schema", "http://json-schema.org/draft-07/schema#");

    assertThat(CONTRACTS.validateSchema(other))
        .extracting(Violation::path)
        .contains("$['$schema']");
  }
}
