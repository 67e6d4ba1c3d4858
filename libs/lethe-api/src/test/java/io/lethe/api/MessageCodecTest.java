package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {
  private static final MessageCodec CODEC = new MessageCodec();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Stream<Record> samples() {
    return Samples.all().stream();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyRecordRoundTripsThroughTheCodec(Record message) {
    byte[] bytes = CODEC.encode(message);

    assertThat(CODEC.decode(bytes, message.getClass())).isEqualTo(message);
  }

  @Test
  void absentOptionalFieldsAreOmittedButANullableRequiredOneIsWrittenAsNull() throws Exception {
    JsonNode progress = MAPPER.readTree(CODEC.encode(Samples.jobProgress(null)));
    JsonNode original = MAPPER.readTree(CODEC.encode(Samples.originalManifest()));

    assertThat(progress.has("forgettingScore")).isTrue();
    assertThat(progress.get("forgettingScore").isNull()).isTrue();
    assertThat(original.get("parentVersion").isNull()).isTrue();
    assertThat(original.has("metrics")).isFalse();
  }

  @Test
  void aResultSaysWhereItRanAndOneWithoutTheDeviceStillDecodes() throws Exception {
    UnlearningResult r = Samples.succeeded();
    UnlearningResult onGpu =
        new UnlearningResult(
            r.requestId(),
            r.correlationId(),
            r.modelId(),
            r.parentVersion(),
            r.version(),
            r.method(),
            r.status(),
            r.checkpoint(),
            r.seconds(),
            r.error(),
            r.completedAt(),
            "gpu:1",
            null,
            null);

    JsonNode json = MAPPER.readTree(CODEC.encode(onGpu));
    assertThat(json.get("device").asText()).isEqualTo("gpu:1");
    assertThat(CODEC.decode(CODEC.encode(onGpu), UnlearningResult.class)).isEqualTo(onGpu);
    // An older worker's result has no device field: still valid, decoded as null.
    ObjectNode old = (ObjectNode) json;
    old.remove("device");
    assertThat(CODEC.decode(MAPPER.writeValueAsBytes(old), UnlearningResult.class).device())
        .isNull();
  }

  @Test
  void aResultCarriesTheUtilityGuardsDecisionsAndOneWithoutThemStillDecodes() throws Exception {
    UnlearningResult r = Samples.succeeded();
    UnlearningResult guarded =
        new UnlearningResult(
            r.requestId(),
            r.correlationId(),
            r.modelId(),
            r.parentVersion(),
            r.version(),
            r.method(),
            r.status(),
            r.checkpoint(),
            r.seconds(),
            r.error(),
            r.completedAt(),
            "cpu",
            UnlearningResult.HonouredBy.NEW_VERSION,
            new UnlearningResult.Guard(
                7, 2, true, "stopped at step 60: ...", 0.05, 37, 0.973, 0.946));

    JsonNode json = MAPPER.readTree(CODEC.encode(guarded));
    assertThat(json.at("/guard/brakes").asInt()).isEqualTo(2);
    assertThat(json.at("/guard/stopped").asBoolean()).isTrue();
    assertThat(CODEC.decode(CODEC.encode(guarded), UnlearningResult.class)).isEqualTo(guarded);
    ObjectNode old = (ObjectNode) json;
    old.remove("guard");
    assertThat(CODEC.decode(MAPPER.writeValueAsBytes(old), UnlearningResult.class).guard())
        .isNull();
  }

  @Test
  void aFailedResultWithAGuardReportIsRejectedOnTheWayOut() {
    UnlearningResult f = Samples.failed();
    UnlearningResult bad =
        new UnlearningResult(
            f.requestId(),
            f.correlationId(),
            f.modelId(),
            f.parentVersion(),
            f.version(),
            f.method(),
            f.status(),
            f.checkpoint(),
            f.seconds(),
            f.error(),
            f.completedAt(),
            null,
            null,
            new UnlearningResult.Guard(1, 0, false, "within margin", 0.05, 37, 0.9, 0.9));

    assertThatThrownBy(() -> CODEC.encode(bad)).isInstanceOf(ContractViolation.class);
  }

  @Test
  void timestampsAreWrittenAsRfc3339() throws Exception {
    JsonNode event = MAPPER.readTree(CODEC.encode(Samples.deletionEvent()));

    assertThat(event.get("occurredAt").asText()).isEqualTo("2025-01-31T12:00:00.123Z");
  }

  /** A valid example of {@code contract}, broken by {@code mutation}. */
  private static Arguments bad(
      String what,
      Contract contract,
      Consumer<ObjectNode> mutation,
      String expectedPath,
      String expectedText) {
    ObjectNode message = (ObjectNode) Contracts.standard().schema(contract).path("examples").get(0);
    mutation.accept(message);
    return Arguments.of(what, contract, message, expectedPath, expectedText);
  }

  private static ArrayNode strings(int count) {
    ArrayNode array = MAPPER.createArrayNode();
    IntStream.range(0, count).forEach(i -> array.add("s" + i));
    return array;
  }

  private static ObjectNode at(ObjectNode root, String field) {
    return (ObjectNode) root.get(field);
  }

  static Stream<Arguments> badMessages() {
    return Stream.of(
        bad(
            "guard brakes below zero",
            Contract.UNLEARNING_RESULT,
            m -> at(m, "guard").put("brakes", -1),
            "$.guard.brakes",
            ""),
        bad(
            "guard without its reason",
            Contract.UNLEARNING_RESULT,
            m -> at(m, "guard").remove("reason"),
            "$.guard",
            "reason"),
        bad(
            "missing required field",
            Contract.DELETION_EVENT,
            m -> m.remove("subjectIds"),
            "$",
            "subjectIds"),
        bad(
            "empty subject list",
            Contract.DELETION_EVENT,
            m -> m.putArray("subjectIds"),
            "$.subjectIds",
            ""),
        bad(
            "empty subject id",
            Contract.DELETION_EVENT,
            m -> m.putArray("subjectIds").add("ok").add(""),
            "$.subjectIds[1]",
            ""),
        bad(
            "subject id with surrounding blanks",
            Contract.DELETION_EVENT,
            m -> m.putArray("subjectIds").add(" subject-17 "),
            "$.subjectIds[0]",
            ""),
        bad(
            "duplicate subject ids",
            Contract.DELETION_EVENT,
            m -> m.putArray("subjectIds").add("a").add("a"),
            "$.subjectIds",
            ""),
        bad(
            "oversized subject list",
            Contract.DELETION_EVENT,
            m -> m.set("subjectIds", strings(1001)),
            "$.subjectIds",
            "at most"),
        bad(
            "unknown property",
            Contract.DELETION_EVENT,
            m -> m.put("subjectsToForget", "x"),
            "$",
            "subjectsToForget"),
        bad(
            "timestamp not RFC 3339",
            Contract.DELETION_EVENT,
            m -> m.put("occurredAt", "31/01/2025 12:00"),
            "$.occurredAt",
            "date-time"),
        bad("unknown method", Contract.DELETION_EVENT, m -> m.put("method", "sgd"), "$.method", ""),
        bad(
            "nested hyperparameter",
            Contract.DELETION_EVENT,
            m -> m.putObject("hyperparameters").putObject("alpha").put("x", 1),
            "$.hyperparameters.alpha",
            ""),
        bad(
            "version as a string",
            Contract.FORGET_REQUEST,
            m -> m.put("baseVersion", "3"),
            "$.baseVersion",
            "integer"),
        bad(
            "version zero",
            Contract.FORGET_REQUEST,
            m -> m.put("baseVersion", 0),
            "$.baseVersion",
            ""),
        bad(
            "oversized sample list",
            Contract.FORGET_REQUEST,
            m -> m.set("sampleIds", strings(50_001)),
            "$.sampleIds",
            ""),
        bad(
            "model id with upper case",
            Contract.FORGET_REQUEST,
            m -> m.put("modelId", "MUFAC"),
            "$.modelId",
            ""),
        bad(
            "score as the string NaN",
            Contract.JOB_PROGRESS,
            m -> m.put("forgettingScore", "NaN"),
            "$.forgettingScore",
            ""),
        bad(
            "nullable score left out",
            Contract.JOB_PROGRESS,
            m -> m.remove("forgettingScore"),
            "$",
            "forgettingScore"),
        bad(
            "upper-case sha256",
            Contract.UNLEARNING_RESULT,
            m -> at(m, "checkpoint").put("sha256", "sha256:" + "AB".repeat(32)),
            "$.checkpoint.sha256",
            ""),
        bad(
            "sha256 without prefix",
            Contract.UNLEARNING_RESULT,
            m -> at(m, "checkpoint").put("sha256", "ab".repeat(32)),
            "$.checkpoint.sha256",
            ""),
        bad(
            "checkpoint over http",
            Contract.UNLEARNING_RESULT,
            m -> at(m, "checkpoint").put("uri", "http://example.com/ckpt"),
            "$.checkpoint.uri",
            ""),
        bad(
            "device that is not cpu or gpu:N",
            Contract.UNLEARNING_RESULT,
            m -> m.put("device", "tpu"),
            "$.device",
            ""),
        bad(
            "device gpu without its index",
            Contract.UNLEARNING_RESULT,
            m -> m.put("device", "gpu"),
            "$.device",
            ""),
        bad(
            "success without checkpoint",
            Contract.UNLEARNING_RESULT,
            m -> m.remove("checkpoint"),
            "$",
            "checkpoint"),
        bad(
            "accuracy as the string NaN",
            Contract.EVALUATION_REPORT,
            m -> m.put("testAccuracy", "NaN"),
            "$.testAccuracy",
            ""),
        bad(
            "accuracy above one",
            Contract.EVALUATION_REPORT,
            m -> at(m, "mia").put("accuracy", 1.5),
            "$.mia.accuracy",
            ""),
        bad(
            "gate verdict as a string",
            Contract.EVALUATION_REPORT,
            m -> ((ObjectNode) m.get("gates").get(0)).put("passed", "yes"),
            "$.gates[0].passed",
            "boolean"),
        bad(
            "missing nested field",
            Contract.EVALUATION_REPORT,
            m -> at(m, "mia").remove("std"),
            "$.mia",
            "std"),
        bad(
            "object hash malformed",
            Contract.MODEL_VERSION_MANIFEST,
            m -> ((ObjectNode) m.get("objects").get(1)).put("sha256", "sha256:1234"),
            "$.objects[1].sha256",
            ""),
        bad(
            "problem with a success status",
            Contract.PROBLEM,
            m -> m.put("status", 200),
            "$.status",
            ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badMessages")
  void badInputIsRejectedWithAMessageNamingTheJsonPath(
      String what, Contract contract, JsonNode message, String path, String text) throws Exception {
    assertThat(Contracts.standard().validate(contract, message)).isNotEmpty();

    ContractViolation violation =
        catchThrowableOfType(
            ContractViolation.class,
            () -> CODEC.decode(MAPPER.writeValueAsBytes(message), contract.type()));

    assertThat(violation).as(what).isNotNull();
    assertThat(violation.contract()).isEqualTo(contract);
    assertThat(violation.violations())
        .as(what)
        .anySatisfy(
            v -> {
              assertThat(v.path()).isEqualTo(path);
              assertThat(v.message()).contains(text);
            });
    assertThat(violation.getMessage()).startsWith(contract.tag() + ": ").contains(path + ": ");
  }

  @Test
  void aNumberBeyondADoublesRangeIsRefusedNotTurnedIntoInfinity() throws Exception {
    ObjectNode event =
        (ObjectNode) Contracts.standard().schema(Contract.DELETION_EVENT).path("examples").get(0);
    event.putObject("hyperparameters").put("alpha", 12345.678);
    String json = MAPPER.writeValueAsString(event).replace("12345.678", "1e400");

    ContractViolation violation =
        catchThrowableOfType(
            ContractViolation.class,
            () -> CODEC.decode(json.getBytes(StandardCharsets.UTF_8), DeletionEvent.class));

    assertThat(violation.violations())
        .extracting(Violation::path)
        .containsExactly("$.hyperparameters.alpha");
  }

  @Test
  void everyViolationIsListedNotJustTheFirst() throws Exception {
    ObjectNode event =
        (ObjectNode) Contracts.standard().schema(Contract.DELETION_EVENT).path("examples").get(0);
    event.putArray("subjectIds");
    event.put("occurredAt", "yesterday");
    event.put("unexpected", true);

    ContractViolation violation =
        catchThrowableOfType(
            ContractViolation.class,
            () -> CODEC.decode(MAPPER.writeValueAsBytes(event), DeletionEvent.class));

    assertThat(violation.violations())
        .extracting(Violation::path)
        .contains("$.subjectIds", "$.occurredAt", "$");
    assertThat(violation.getMessage())
        .contains("violations:", "$.subjectIds: ", "$.occurredAt: ", "unexpected");
  }

  @Test
  void encodeRejectsWhatAConsumerWouldReject() {
    ForgetRequest f = Samples.forgetRequest();
    ForgetRequest noSubjects =
        new ForgetRequest(
            f.requestId(),
            f.correlationId(),
            f.modelId(),
            f.baseVersion(),
            f.method(),
            f.hyperparameters(),
            List.of(),
            f.sampleIds(),
            f.sourceEventIds(),
            f.datasetVersion(),
            f.requestedAt());

    assertThatThrownBy(() -> CODEC.encode(noSubjects))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("$.subjectIds: ");
  }

  @Test
  void anEvaluationCarriesItsAttacksAndOneWithoutThemStillDecodes() throws Exception {
    JsonNode with = MAPPER.readTree(CODEC.encode(Samples.evaluationWithAttacks()));
    byte[] without = CODEC.encode(Samples.evaluation(0.6));

    assertThat(with.at("/attacks/1/name").asText()).isEqualTo("modified_entropy");
    assertThat(with.at("/attacks/1/forgettingScore").asDouble()).isEqualTo(0.044);
    assertThat(MAPPER.readTree(without).has("attacks")).isFalse();
    assertThat(CODEC.decode(without, EvaluationReportMessage.class).attacks()).isNull();
  }

  @Test
  void anEvaluationRejectsAnAttackBeyondChanceBoundsOrWithAnUnknownField() throws Exception {
    ObjectNode bad = (ObjectNode) MAPPER.readTree(CODEC.encode(Samples.evaluationWithAttacks()));
    ((ObjectNode) bad.at("/attacks/0")).put("forgettingScore", 0.7);
    ((ObjectNode) bad.at("/attacks/1")).put("perSplit", 1);
    byte[] bytes = MAPPER.writeValueAsBytes(bad);

    assertThatThrownBy(() -> CODEC.decode(bytes, EvaluationReportMessage.class))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("$.attacks[0].forgettingScore")
        .hasMessageContaining("$.attacks[1]");
    assertThatThrownBy(
            () ->
                new EvaluationReportMessage(
                    "r",
                    "c",
                    "m",
                    1,
                    0.5,
                    0.5,
                    null,
                    0,
                    0,
                    List.of(),
                    true,
                    null,
                    List.of(
                        new EvaluationReportMessage.Attack("loss", 0.5, 0, 0),
                        new EvaluationReportMessage.Attack("loss", 0.5, 0, 0))))
        .hasMessageContaining("attack names must be unique");
  }

  @Test
  void encodeRejectsANaNScore() {
    assertThatThrownBy(() -> CODEC.encode(Samples.evaluation(Double.NaN)))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("$.testAccuracy: ");
  }

  @Test
  void encodeRejectsAMissingRequiredField() {
    DeletionEvent e = Samples.deletionEvent();
    DeletionEvent noKey =
        new DeletionEvent(
            e.eventId(),
            null,
            e.correlationId(),
            e.occurredAt(),
            e.source(),
            e.subjectIds(),
            e.modelIds(),
            e.reason(),
            e.method(),
            e.hyperparameters());

    assertThatThrownBy(() -> CODEC.encode(noKey))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("idempotencyKey");
  }

  @Test
  void aManifestWithoutADatasetLinkStillDecodesAndARevisionNeedsItsDataset() throws Exception {
    ObjectNode old = (ObjectNode) MAPPER.readTree(CODEC.encode(Samples.manifest()));
    old.remove(List.of("datasetId", "datasetRevision"));
    ModelVersionManifest decoded =
        CODEC.decode(MAPPER.writeValueAsBytes(old), ModelVersionManifest.class);
    assertThat(decoded.datasetId()).isNull();
    assertThat(decoded.datasetRevision()).isNull();
    assertThat(MAPPER.readTree(CODEC.encode(decoded)).has("datasetId")).isFalse();

    old.put("datasetRevision", 3);
    assertThatThrownBy(
            () -> CODEC.decode(MAPPER.writeValueAsBytes(old), ModelVersionManifest.class))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("datasetId");
  }

  @Test
  void aManifestRecordsItsFormatValidatedOnBothEndsAndOldManifestsReadAsLethe() throws Exception {
    ModelVersionManifest m = Samples.manifest();
    ModelVersionManifest imported =
        new ModelVersionManifest(
            m.modelId(),
            1,
            null,
            Method.IMPORT,
            List.of(),
            List.of(),
            m.datasetVersion(),
            m.checkpointUri(),
            m.objects(),
            null,
            m.createdAt(),
            m.datasetId(),
            0,
            ModelVersionManifest.FORMAT_TORCHSCRIPT);
    byte[] bytes = CODEC.encode(imported);
    assertThat(MAPPER.readTree(bytes).get("format").asText()).isEqualTo("torchscript");
    assertThat(MAPPER.readTree(bytes).get("method").asText()).isEqualTo("import");
    assertThat(CODEC.decode(bytes, ModelVersionManifest.class)).isEqualTo(imported);

    // Written before the field existed: no format, which means lethe.
    assertThat(MAPPER.readTree(CODEC.encode(m)).has("format")).isFalse();
    assertThat(CODEC.decode(CODEC.encode(m), ModelVersionManifest.class).formatOrDefault())
        .isEqualTo(ModelVersionManifest.FORMAT_LETHE);

    ModelVersionManifest onnx =
        new ModelVersionManifest(
            m.modelId(),
            m.version(),
            m.parentVersion(),
            m.method(),
            m.forgetRequestIds(),
            m.subjectsForgotten(),
            m.datasetVersion(),
            m.checkpointUri(),
            m.objects(),
            m.metrics(),
            m.createdAt(),
            m.datasetId(),
            m.datasetRevision(),
            "onnx");
    assertThatThrownBy(() -> CODEC.encode(onnx))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("format");
    ObjectNode tampered = (ObjectNode) MAPPER.readTree(bytes);
    tampered.put("format", "onnx");
    assertThatThrownBy(
            () -> CODEC.decode(MAPPER.writeValueAsBytes(tampered), ModelVersionManifest.class))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("format");
  }

  @Test
  void encodeRejectsAManifestMethodThatIsNotAnUnlearningMethodInAForgetRequest() {
    ForgetRequest f = Samples.forgetRequest();
    ForgetRequest train =
        new ForgetRequest(
            f.requestId(),
            f.correlationId(),
            f.modelId(),
            f.baseVersion(),
            Method.TRAIN,
            f.hyperparameters(),
            f.subjectIds(),
            f.sampleIds(),
            f.sourceEventIds(),
            f.datasetVersion(),
            f.requestedAt());

    assertThatThrownBy(() -> CODEC.encode(train)).hasMessageContaining("$.method: ");
  }

  static Stream<Arguments> notJson() {
    return Stream.of(
        Arguments.of("plain text", "forget subject 17".getBytes(StandardCharsets.UTF_8)),
        Arguments.of("binary", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}),
        Arguments.of("truncated", "{\"eventId\": \"e".getBytes(StandardCharsets.UTF_8)),
        Arguments.of("two documents", "{} {}".getBytes(StandardCharsets.UTF_8)),
        Arguments.of(
            "duplicate key",
            "{\"eventId\": \"a\", \"eventId\": \"b\"}".getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notJson")
  void decodeRejectsBytesThatAreNotOneJsonDocumentWithAClearMessage(String what, byte[] bytes) {
    assertThatThrownBy(() -> CODEC.decode(bytes, DeletionEvent.class))
        .isInstanceOf(ContractViolation.class)
        .hasMessageStartingWith("deletion-event.v1: 1 violation: $: not valid JSON: ");
  }

  @Test
  void decodeRejectsEmptyAndNonObjectMessages() {
    assertThatThrownBy(() -> CODEC.decode(new byte[0], DeletionEvent.class))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("$: empty message");
    assertThatThrownBy(() -> CODEC.decode("  ".getBytes(StandardCharsets.UTF_8), Problem.class))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("$: empty message");
    assertThatThrownBy(() -> CODEC.decode("[1]".getBytes(StandardCharsets.UTF_8), Problem.class))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("problem.v1: 1 violation: $: ");
  }

  @Test
  void theReasonFitsAHeaderWhenBounded() {
    ContractViolation violation =
        new ContractViolation(
            Contract.DELETION_EVENT,
            IntStream.range(0, 100)
                .mapToObj(i -> new Violation("$.subjectIds[" + i + "]", "must not be empty"))
                .toList());

    assertThat(violation.reason(200)).hasSize(200).endsWith("…");
    assertThat(violation.reason(100_000)).isEqualTo(violation.getMessage());
  }

  @Test
  void aViolationBecomesAValidProblemListingEveryPath() throws Exception {
    ContractViolation violation =
        catchThrowableOfType(
            ContractViolation.class,
            () ->
                CODEC.decode(
                    "{\"eventId\": 7}".getBytes(StandardCharsets.UTF_8), DeletionEvent.class));

    Problem problem = Problem.badRequest(violation, "/v1/deletions");
    Problem decoded = CODEC.decode(CODEC.encode(problem), Problem.class);

    assertThat(decoded.status()).isEqualTo(400);
    assertThat(decoded.title()).isEqualTo("Request body violates deletion-event.v1");
    assertThat(decoded.violations()).isEqualTo(violation.violations());
    assertThat(decoded.violations()).extracting(Violation::path).contains("$", "$.eventId");
  }

  @Test
  void contractsAreFoundByTypeAndByHeaderTag() {
    for (Contract contract : Contract.values()) {
      assertThat(Contract.of(contract.type())).isEqualTo(contract);
      assertThat(Contract.ofTag(contract.tag())).isEqualTo(contract);
    }
    assertThat(Contract.FORGET_REQUEST.tag()).isEqualTo("forget-request.v1");
    assertThat(Contract.FORGET_REQUEST.id())
        .isEqualTo("https://lethe.dev/schemas/forget-request.v1.json");
  }
}
