package io.lethe.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON Schemas of {@code schemas/}, loaded from the classpath ({@code schemas/*.json}) and
 * compiled once. Validation never touches the network: every schema is registered under its {@code
 * $id}, and the 2020-12 meta-schema ships inside the validator. Thread-safe.
 */
public final class Contracts {
  /** Classpath folder holding the schema files. */
  public static final String RESOURCE_DIR = "schemas/";

  /** The JSON Schema dialect every contract uses. */
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private static final SchemaRegistryConfig CONFIG =
      SchemaRegistryConfig.builder()
          .pathType(PathType.JSON_PATH)
          .formatAssertionsEnabled(true)
          .locale(Locale.ENGLISH)
          .build();

  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<Contract, JsonNode> documents = new EnumMap<>(Contract.class);
  private final Map<Contract, Schema> schemas = new EnumMap<>(Contract.class);
  private final SchemaRegistry registry;
  private final Schema metaSchema;

  private Contracts(Map<Contract, String> sources) {
    Map<String, String> byId = new LinkedHashMap<>();
    for (Map.Entry<Contract, String> source : sources.entrySet()) {
      Contract contract = source.getKey();
      JsonNode document;
      try {
        document = mapper.readTree(source.getValue());
      } catch (IOException e) {
        throw new IllegalStateException(contract.fileName() + " is not JSON: " + e.getMessage(), e);
      }
      String id = document.path("$id").asText();
      if (!contract.id().equals(id)) {
        throw new IllegalStateException(
            contract.fileName() + " has $id '" + id + "', expected " + contract.id());
      }
      documents.put(contract, document);
      byId.put(id, source.getValue());
    }
    registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemas(byId).schemaRegistryConfig(CONFIG));
    metaSchema = registry.getSchema(SchemaLocation.of(DIALECT));
    for (Contract contract : documents.keySet()) {
      List<Violation> problems = validateSchema(documents.get(contract));
      if (!problems.isEmpty()) {
        throw new IllegalStateException(
            contract.fileName() + " is not a valid JSON Schema: " + problems);
      }
      Schema schema = registry.getSchema(SchemaLocation.of(contract.id()));
      schema.initializeValidators();
      schemas.put(contract, schema);
    }
  }

  /** The contracts packaged with this library, loaded once. */
  public static Contracts standard() {
    return Holder.STANDARD;
  }

  /** Loads every {@link Contract}'s schema from {@code classpath:schemas/}. */
  public static Contracts fromClasspath() {
    Map<Contract, String> sources = new EnumMap<>(Contract.class);
    for (Contract contract : Contract.values()) {
      String resource = RESOURCE_DIR + contract.fileName();
      try (InputStream in = Contracts.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("schema not on the classpath: " + resource);
        }
        sources.put(contract, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
    return new Contracts(sources);
  }

  /** A copy of the schema document of a contract. */
  public JsonNode schema(Contract contract) {
    return documents.get(contract).deepCopy();
  }

  /** Every violation of {@code contract} by {@code instance}; empty when it conforms. */
  public List<Violation> validate(Contract contract, JsonNode instance) {
    Objects.requireNonNull(instance, "instance");
    return toViolations(schemas.get(contract).validate(instance));
  }

  /**
   * Throws a {@link ContractViolation} listing every violation, unless {@code instance} conforms.
   */
  public void check(Contract contract, JsonNode instance) {
    List<Violation> violations = validate(contract, instance);
    if (!violations.isEmpty()) {
      throw new ContractViolation(contract, violations);
    }
  }

  /**
   * Every way {@code document} fails to be a JSON Schema 2020-12 (checked against the meta-schema,
   * regular expressions included); empty when it is one.
   */
  public List<Violation> validateSchema(JsonNode document) {
    List<Violation> violations = new ArrayList<>();
    if (!DIALECT.equals(document.path("$schema").asText())) {
      violations.add(new Violation("$['$schema']", "must be " + DIALECT));
    }
    violations.addAll(toViolations(metaSchema.validate(document)));
    return violations;
  }

  private static List<Violation> toViolations(List<Error> errors) {
    Set<Violation> violations = new LinkedHashSet<>();
    for (Error error : errors) {
      String path = error.getInstanceLocation().toString();
      String message = error.getMessage();
      if (message.startsWith(path + ": ")) {
        message = message.substring(path.length() + 2);
      }
      violations.add(new Violation(path, message));
    }
    return List.copyOf(violations);
  }

  private static final class Holder {
    static final Contracts STANDARD = fromClasspath();
  }
}
