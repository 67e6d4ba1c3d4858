package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Records to JSON bytes and back, validated against their schema on <em>both</em> ends: a producer
 * cannot send what a consumer would reject, and a consumer never acts on what the contract forbids.
 * Every failure is a {@link ContractViolation} listing each violation with its JSON path.
 * Thread-safe.
 */
public final class MessageCodec {
  /** Largest message accepted by {@link #decode} (and produced by {@link #encode}). */
  public static final int MAX_BYTES = 8 * 1024 * 1024;

  private final Contracts contracts;
  private final ObjectMapper mapper;

  /** A codec over the {@link Contracts#standard() packaged contracts}. */
  public MessageCodec() {
    this(Contracts.standard());
  }

  public MessageCodec(Contracts contracts) {
    this.contracts = Objects.requireNonNull(contracts, "contracts");
    this.mapper = newObjectMapper();
  }

  /**
   * The mapper the codec uses: ISO-8601 instants, absent optional fields omitted, duplicate keys
   * and trailing tokens rejected.
   */
  public static ObjectMapper newObjectMapper() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.registerModule(new JavaTimeModule());
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    mapper.setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    return mapper;
  }

  public Contracts contracts() {
    return contracts;
  }

  /**
   * Serialises {@code message} and validates the bytes that would go on the wire (so e.g. a {@code
   * NaN} score, which Jackson writes as the string {@code "NaN"}, is caught here).
   *
   * @throws ContractViolation if the result breaks the message's contract
   */
  public byte[] encode(Record message) {
    Objects.requireNonNull(message, "message");
    Contract contract = Contract.of(message.getClass());
    byte[] bytes;
    JsonNode tree;
    try {
      bytes = mapper.writeValueAsBytes(message);
      tree = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new ContractViolation(
          contract, List.of(new Violation("$", "cannot serialise: " + e.getMessage())), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new ContractViolation(contract, List.of(tooLarge(bytes.length)));
    }
    contracts.check(contract, tree);
    return bytes;
  }

  /**
   * Parses and validates {@code bytes} against {@code type}'s contract, then maps them to it.
   *
   * @throws ContractViolation if the bytes are not JSON or break the contract
   */
  public <T extends Record> T decode(byte[] bytes, Class<T> type) {
    Contract contract = Contract.of(type);
    if (bytes == null || bytes.length == 0) {
      throw new ContractViolation(
          contract, List.of(new Violation("$", "empty message, expected a JSON object")));
    }
    if (bytes.length > MAX_BYTES) {
      throw new ContractViolation(contract, List.of(tooLarge(bytes.length)));
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ContractViolation(
          contract, List.of(new Violation("$", "not valid JSON: " + describe(e))), e);
    } catch (IOException e) {
      throw new ContractViolation(
          contract, List.of(new Violation("$", "unreadable: " + e.getMessage())), e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new ContractViolation(
          contract, List.of(new Violation("$", "empty message, expected a JSON object")));
    }
    String overflow = nonFinite(tree, "$");
    if (overflow != null) {
      // 1e400 parses as Infinity, which JSON cannot carry: it would be re-encoded as "Infinity".
      throw new ContractViolation(
          contract, List.of(new Violation(overflow, "number out of range (not a finite double)")));
    }
    contracts.check(contract, tree);
    try {
      return mapper.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      throw new ContractViolation(
          contract, List.of(new Violation(jsonPath(e.getPath()), e.getOriginalMessage())), e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ContractViolation(
          contract, List.of(new Violation("$", "cannot map: " + e.getMessage())), e);
    }
  }

  /** The path of the first number in {@code node} that is not a finite double, else null. */
  private static String nonFinite(JsonNode node, String path) {
    if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      return path;
    }
    if (node.isObject()) {
      for (var it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        String found = nonFinite(e.getValue(), path + "." + e.getKey());
        if (found != null) {
          return found;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = nonFinite(node.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static Violation tooLarge(int length) {
    return new Violation("$", "message is " + length + " bytes; the limit is " + MAX_BYTES);
  }

  private static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return e.getOriginalMessage() + where;
  }

  private static String jsonPath(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder("$");
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        path.append('.').append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
