package io.lethe.testutils;

import static io.lethe.testutils.DeploymentYaml.documents;
import static io.lethe.testutils.DeploymentYaml.envFile;
import static io.lethe.testutils.DeploymentYaml.list;
import static io.lethe.testutils.DeploymentYaml.map;
import static io.lethe.testutils.DeploymentYaml.read;
import static io.lethe.testutils.DeploymentYaml.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under {@code k8s/} (Kustomize base, GPU overlay, Secret examples), never
 * applied here (no cluster). Two layers:
 *
 * <ol>
 *   <li><b>Schemas</b>: every object is validated against the Kubernetes API's OpenAPI schemas and
 *       KEDA's CRD schemas by {@code k8s/validate/validate.mjs} (npm {@code kubernetes-models} and
 *       {@code @kubernetes-models/keda}, pinned in {@code k8s/validate/package-lock.json};
 *       installed by {@code npm ci} on first use, offline afterwards from npm's cache). Types,
 *       required fields, enums and formats are checked, and unknown fields: validate.mjs records
 *       which properties the compiled validators read, and a property never read is one no schema
 *       declares (as {@code kubectl --validate=strict} would refuse it). Deliberately broken
 *       manifests show the check fails.
 *   <li><b>Structure</b> (Java): what the schemas cannot know: Kustomize resources and patches
 *       exist, the GPU overlay (applied here as a strategic merge of containers by name) asks for
 *       {@code nvidia.com/gpu}, probes, memory limits, Secrets mounted as files, every variable
 *       known to the services' settings and every required one given, selectors match labels, PDBs
 *       and Services select a Deployment, KEDA's {@code maxReplicaCount} equals the partitions of
 *       {@code lethe.forget-requests}.
 * </ol>
 *
 * Set {@code -Dlethe.k8s.schemas=skip} to skip the first layer where Node.js is missing.
 */
class KubernetesManifestsTest {
  private static final Set<String> SERVICES = Set.of("intake", "worker", "evaluator", "registry");
  private static final Path K8S = Repository.root().resolve("k8s");
  private static final Path VALIDATOR = K8S.resolve("validate");

  @BeforeAll
  static void installValidator() throws Exception {
    if (skipSchemas() || Files.isDirectory(VALIDATOR.resolve("node_modules/kubernetes-models"))) {
      return;
    }
    Process p =
        new ProcessBuilder("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund")
            .directory(VALIDATOR.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("npm ci in k8s/validate:\n" + out).isZero();
  }

  private static boolean skipSchemas() {
    return "skip".equals(System.getProperty("lethe.k8s.schemas"));
  }

  /** The files of a kustomization (its resources, recursively through bases). */
  private static List<Path> resources(Path kustomizationDir) {
    Map<String, Object> k = yaml(rel(kustomizationDir.resolve("kustomization.yaml")));
    List<Path> files = new ArrayList<>();
    for (Object r : list(k.get("resources"))) {
      Path p = kustomizationDir.resolve(r.toString()).normalize();
      assertThat(p).as(kustomizationDir + " names " + r).exists();
      if (Files.isDirectory(p)) {
        files.addAll(resources(p));
      } else {
        files.add(p);
      }
    }
    return files;
  }

  private static String rel(Path p) {
    return Repository.root().relativize(p).toString();
  }

  /** The objects a kustomization renders: resources, then strategic-merge patches, then images. */
  private static List<Map<String, Object>> render(Path dir) {
    List<Map<String, Object>> objects = new ArrayList<>();
    Map<String, Object> k = yaml(rel(dir.resolve("kustomization.yaml")));
    if (k.containsKey("resources")) {
      for (Object r : list(k.get("resources"))) {
        Path p = dir.resolve(r.toString()).normalize();
        if (Files.isDirectory(p)) {
          objects.addAll(render(p));
        } else {
          objects.addAll(documents(p));
        }
      }
    }
    for (Object patch : k.containsKey("patches") ? list(k.get("patches")) : List.of()) {
      Path p = dir.resolve((String) map(patch).get("path"));
      assertThat(p).as(dir + " patch").isRegularFile();
      for (Map<String, Object> doc : documents(p)) {
        Map<String, Object> target =
            objects.stream()
                .filter(o -> o.get("kind").equals(doc.get("kind")))
                .filter(o -> name(o).equals(name(doc)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(p + " patches nothing: " + name(doc)));
        merge(target, doc);
      }
    }
    for (Object i : k.containsKey("images") ? list(k.get("images")) : List.of()) {
      Map<String, Object> image = map(i);
      for (Map<String, Object> c : containers(objects)) {
        String ref = (String) c.get("image");
        String repo = ref.replaceFirst(":[^:/]+$", "");
        if (repo.equals(image.get("name"))) {
          String newName = (String) image.getOrDefault("newName", repo);
          String tag = (String) image.getOrDefault("newTag", ref.substring(repo.length() + 1));
          c.put("image", newName + ":" + tag);
        }
      }
    }
    return objects;
  }

  /** Strategic merge as far as these manifests need it: maps deep, lists of named maps by name. */
  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> target, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object old = target.get(e.getKey());
      if (old instanceof Map<?, ?> o && e.getValue() instanceof Map<?, ?> n) {
        merge((Map<String, Object>) o, (Map<String, Object>) n);
      } else if (old instanceof List<?> o
          && e.getValue() instanceof List<?> n
          && !n.isEmpty()
          && n.get(0) instanceof Map<?, ?> first
          && first.containsKey("name")) {
        List<Object> merged = new ArrayList<>((List<Object>) o);
        for (Object item : n) {
          Object key = ((Map<?, ?>) item).get("name");
          Map<String, Object> existing =
              (Map<String, Object>)
                  merged.stream()
                      .filter(x -> x instanceof Map<?, ?> m && key.equals(m.get("name")))
                      .findFirst()
                      .orElse(null);
          if (existing == null) {
            merged.add(item);
          } else {
            merge(existing, (Map<String, Object>) item);
          }
        }
        target.put(e.getKey(), merged);
      } else {
        target.put(e.getKey(), e.getValue());
      }
    }
  }

  private static String name(Map<String, Object> o) {
    return (String) map(o.get("metadata")).get("name");
  }

  private static List<Map<String, Object>> containers(List<Map<String, Object>> objects) {
    List<Map<String, Object>> cs = new ArrayList<>();
    for (Map<String, Object> o : objects) {
      if (o.get("kind").equals("Deployment")) {
        for (Object c : list(podSpec(o).get("containers"))) {
          cs.add(map(c));
        }
      }
    }
    return cs;
  }

  private static Map<String, Object> podSpec(Map<String, Object> deployment) {
    return map(map(map(deployment.get("spec")).get("template")).get("spec"));
  }

  private static Map<String, Map<String, Object>> byKindAndName(List<Map<String, Object>> objects) {
    Map<String, Map<String, Object>> m = new LinkedHashMap<>();
    for (Map<String, Object> o : objects) {
      assertThat(m.put(o.get("kind") + "/" + name(o), o)).as("duplicate " + name(o)).isNull();
    }
    return m;
  }

  /** Runs validate.mjs on the objects; returns its output lines. */
  private static List<String> validateSchemas(Map<String, Map<String, Object>> objects)
      throws Exception {
    List<Map<String, Object>> input = new ArrayList<>();
    objects.forEach((source, object) -> input.add(Map.of("source", source, "object", object)));
    Process p =
        new ProcessBuilder("node", "validate.mjs")
            .directory(VALIDATOR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (var in = p.getOutputStream()) {
      in.write(new ObjectMapper().writeValueAsBytes(input));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return out.lines().toList();
  }

  private static Map<String, Map<String, Object>> allManifests() {
    Map<String, Map<String, Object>> all = new LinkedHashMap<>();
    for (String overlay : List.of("base", "overlays/gpu")) {
      for (Map<String, Object> o : render(K8S.resolve(overlay))) {
        all.put(overlay + ":" + o.get("kind") + "/" + name(o), o);
      }
    }
    try (Stream<Path> files = Files.list(K8S.resolve("secrets-example"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Map<String, Object> o : documents(f)) {
          all.put(rel(f) + ":" + o.get("kind") + "/" + name(o), o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  @Test
  void everyManifestIsValidAgainstTheKubernetesAndKedaSchemas() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(skipSchemas(), "-Dlethe.k8s.schemas=skip");
    Map<String, Map<String, Object>> all = allManifests();
    List<String> lines = validateSchemas(all);
    assertThat(lines).as("one verdict per object").hasSize(all.size());
    assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("OK "));
    assertThat(String.join("\n", lines))
        .contains(
            "apps/v1/Deployment",
            "v1/Service",
            "policy/v1/PodDisruptionBudget",
            "keda.sh/v1alpha1/ScaledObject",
            "v1/ConfigMap",
            "v1/Secret");
  }

  @Test
  void aBrokenManifestFailsTheSchemaCheck() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(skipSchemas(), "-Dlethe.k8s.schemas=skip");
    Map<String, Object> deployment = documents(K8S.resolve("base/worker.yaml")).get(0);
    Map<String, Object> spec = map(deployment.get("spec"));
    spec.put("replicas", "three"); // a string where the schema wants an integer
    map(list(podSpec(deployment).get("containers")).get(0)).remove("name"); // required
    Map<String, Object> scaled = documents(K8S.resolve("base/worker-scaledobject.yaml")).get(0);
    map(scaled.get("spec")).remove("scaleTargetRef"); // required by KEDA's CRD
    Map<String, Object> pdb = documents(K8S.resolve("base/pdb.yaml")).get(0);
    pdb.put("apiVersion", "policy/v1beta9"); // no such API
    Map<String, Object> service = documents(K8S.resolve("base/intake.yaml")).get(1);
    map(service.get("spec")).put("selectr", Map.of("a", "b")); // a field no schema declares
    Map<String, Map<String, Object>> broken = new LinkedHashMap<>();
    broken.put("deployment", deployment);
    broken.put("scaledobject", scaled);
    broken.put("pdb", pdb);
    broken.put("service", service);
    List<String> lines = validateSchemas(broken);
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .startsWith("INVALID deployment")
        .contains("/spec/replicas must be integer")
        .contains("must have required property name");
    assertThat(lines.get(1))
        .startsWith("INVALID scaledobject")
        .contains("must have required property scaleTargetRef");
    assertThat(lines.get(2)).startsWith("UNKNOWN pdb");
    assertThat(lines.get(3)).startsWith("INVALID service").contains("unknown field /spec/selectr");
  }

  @Test
  void theDeploymentsProbeServeAndMountTheirSecretsAsFiles() {
    Set<String> known = new HashSet<>(DeploymentYaml.settingsVariables());
    known.add("JAVA_OPTS");
    Map<String, Object> config = null;
    List<Map<String, Object>> base = render(K8S.resolve("base"));
    Map<String, Map<String, Object>> objects = byKindAndName(base);
    config = objects.get("ConfigMap/lethe-config");
    assertThat(config).as("ConfigMap lethe-config").isNotNull();
    Set<String> fromConfig = map(config.get("data")).keySet();
    assertThat(fromConfig).isSubsetOf(known);
    for (String name : SERVICES) {
      Map<String, Object> d = objects.get("Deployment/" + name);
      assertThat(d).as("Deployment " + name).isNotNull();
      Map<String, Object> labels =
          map(map(map(map(d.get("spec")).get("template")).get("metadata")).get("labels"));
      assertThat(labels)
          .as(name + ": the selector matches the pod labels")
          .containsAllEntriesOf(
              map(map(map(d.get("spec")).get("selector")).get("matchLabels")).entrySet().stream()
                  .collect(
                      java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
      Map<String, Object> pod = podSpec(d);
      Map<String, Object> c = map(list(pod.get("containers")).get(0));
      assertThat((String) c.get("image"))
          .as(name)
          .matches("^lethe/" + name + "(-gpu)?:\\d[\\w.-]*$");
      Set<String> portNames = new HashSet<>();
      for (Object p : list(c.get("ports"))) {
        portNames.add((String) map(p).get("name"));
      }
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        Map<String, Object> get = map(map(c.get(probe)).get("httpGet"));
        assertThat(get.get("path"))
            .as(name + " " + probe)
            .isEqualTo(probe.equals("livenessProbe") ? "/health/live" : "/health/ready");
        assertThat(portNames).as(name + " " + probe + " port").contains((String) get.get("port"));
      }
      Map<String, Object> resources = map(c.get("resources"));
      String memory = (String) map(resources.get("limits")).get("memory");
      assertThat(memory).as(name + " memory limit").isNotNull();
      assertThat(map(resources.get("requests")).get("memory"))
          .as(name + ": request = limit (Guaranteed memory; off-heap is not elastic)")
          .isEqualTo(memory);

      Map<String, String> env = new LinkedHashMap<>();
      for (Object e : list(c.get("env"))) {
        env.put((String) map(e).get("name"), String.valueOf(map(e).get("value")));
      }
      assertThat(env.keySet()).as(name + " variables").isSubsetOf(known);
      Map<String, String> containerPorts = new LinkedHashMap<>();
      for (Object p : list(c.get("ports"))) {
        containerPorts.put(
            (String) map(p).get("name"), String.valueOf(map(p).get("containerPort")));
      }
      assertThat(containerPorts.get("http"))
          .as(name + ": port http is HTTP_PORT")
          .isEqualTo(env.get("HTTP_PORT"));
      if (env.containsKey("REGISTRY_API_PORT")) {
        assertThat(containerPorts.get("api"))
            .as(name + ": port api")
            .isEqualTo(env.get("REGISTRY_API_PORT"));
      }
      Matcher pct = Pattern.compile("MaxRAMPercentage=(\\d+)").matcher(env.get("JAVA_OPTS"));
      assertThat(pct.find()).isTrue();
      assertThat(Integer.parseInt(pct.group(1))).as(name + " heap share").isLessThanOrEqualTo(60);
      Set<String> given = new HashSet<>(env.keySet());
      given.addAll(fromConfig);
      for (String required :
          List.of(
              "KAFKA_BOOTSTRAP_SERVERS",
              "HTTP_PORT",
              "S3_ENDPOINT",
              "S3_ACCESS_KEY",
              "S3_SECRET_KEY")) {
        assertThat(given.contains(required) || given.contains(required + "_FILE"))
            .as(name + " needs " + required)
            .isTrue();
      }
      assertThat(given)
          .as(name + ": no secret in plain variables")
          .doesNotContain("S3_ACCESS_KEY", "S3_SECRET_KEY", "LETHE_API_TOKENS");
      if (name.equals("intake") || name.equals("registry")) {
        assertThat(env).containsKey("LETHE_API_TOKENS_FILE");
      }
      // Every *_FILE points into a mounted Secret volume, under a key the Secret example has.
      Map<String, String> mounts = new LinkedHashMap<>();
      for (Object m : list(c.get("volumeMounts"))) {
        mounts.put((String) map(m).get("mountPath"), (String) map(m).get("name"));
      }
      Map<String, String> secretOfVolume = new LinkedHashMap<>();
      for (Object v : list(pod.get("volumes"))) {
        Map<String, Object> vol = map(v);
        if (vol.containsKey("secret")) {
          secretOfVolume.put(
              (String) vol.get("name"), (String) map(vol.get("secret")).get("secretName"));
        }
      }
      for (Map.Entry<String, String> e : env.entrySet()) {
        if (!e.getKey().endsWith("_FILE")) {
          continue;
        }
        Path file = Path.of(e.getValue());
        String volume = mounts.get(file.getParent().toString());
        assertThat(volume).as(name + ": " + e.getKey() + " is in no mounted volume").isNotNull();
        String secret = secretOfVolume.get(volume);
        assertThat(secret).as(name + ": " + e.getKey() + " is not in a Secret").isNotNull();
        Map<String, Object> example =
            documents(K8S.resolve("secrets-example/" + secret + ".yaml")).get(0);
        assertThat(map(example.get("stringData")))
            .as(secret + " has the key " + e.getKey() + " reads")
            .containsKey(file.getFileName().toString());
      }
      Map<String, Object> sc = map(c.get("securityContext"));
      assertThat(sc)
          .containsEntry("readOnlyRootFilesystem", true)
          .containsEntry("allowPrivilegeEscalation", false);
    }
    // Services and PDBs select existing Deployments' pods.
    for (Map<String, Object> o : base) {
      Object selector =
          o.get("kind").equals("Service")
              ? map(o.get("spec")).get("selector")
              : o.get("kind").equals("PodDisruptionBudget")
                  ? map(map(o.get("spec")).get("selector")).get("matchLabels")
                  : null;
      if (selector != null) {
        assertThat(objects)
            .as(o.get("kind") + " " + name(o))
            .containsKey("Deployment/" + map(selector).get("app.kubernetes.io/name"));
      }
    }
    for (String name : SERVICES) {
      assertThat(objects).containsKeys("Service/" + name, "PodDisruptionBudget/" + name);
    }
  }

  @Test
  void theWorkerDrainsAndKedaScalesItUpToThePartitionsOfForgetRequests() {
    Map<String, Map<String, Object>> objects = byKindAndName(render(K8S.resolve("base")));
    Map<String, Object> worker = objects.get("Deployment/worker");
    assertThat((Integer) podSpec(worker).get("terminationGracePeriodSeconds"))
        .as("minutes to drain a running job")
        .isGreaterThanOrEqualTo(300);
    Map<String, Object> scaled = map(objects.get("ScaledObject/worker").get("spec"));
    assertThat(map(scaled.get("scaleTargetRef")).get("name")).isEqualTo("worker");
    Map<String, Object> trigger = map(list(scaled.get("triggers")).get(0));
    assertThat(trigger.get("type")).isEqualTo("kafka");
    Map<String, Object> meta = map(trigger.get("metadata"));
    assertThat(meta)
        .containsEntry("consumerGroup", "lethe-worker")
        .containsEntry("topic", "lethe.forget-requests")
        .containsEntry("allowIdleConsumers", "false");
    // Trigger metadata is a free-form string map in KEDA's CRD: check its keys against the kafka
    // scaler's parameters (KEDA 2.x docs), so a misspelt one does not pass silently.
    assertThat(meta.keySet())
        .as("kafka scaler parameters")
        .isSubsetOf(
            Set.of(
                "bootstrapServers",
                "bootstrapServersFromEnv",
                "consumerGroup",
                "consumerGroupFromEnv",
                "topic",
                "topicFromEnv",
                "lagThreshold",
                "activationLagThreshold",
                "offsetResetPolicy",
                "allowIdleConsumers",
                "excludePersistentLag",
                "scaleToZeroOnInvalidOffset",
                "limitToPartitionsWithLag",
                "ensureEvenDistributionOfPartitions",
                "partitionLimitation",
                "version",
                "sasl",
                "tls",
                "unsafeSsl"));
    assertThat(Integer.parseInt((String) meta.get("lagThreshold"))).isPositive();
    Object bootstrapEnv = meta.get("bootstrapServersFromEnv");
    assertThat(bootstrapEnv).isEqualTo("KAFKA_BOOTSTRAP_SERVERS");
    assertThat(map(objects.get("ConfigMap/lethe-config").get("data")))
        .containsKey("KAFKA_BOOTSTRAP_SERVERS");
    int partitions =
        Integer.parseInt(envFile(".env.example").get("LETHE_FORGET_REQUEST_PARTITIONS"));
    assertThat(scaled.get("maxReplicaCount"))
        .as("a worker beyond the partition count of lethe.forget-requests gets no partition")
        .isEqualTo(partitions);
    assertThat(read("infra/compose/create-topics.sh"))
        .contains("forget_partitions=${LETHE_FORGET_REQUEST_PARTITIONS:-" + partitions + "}");
  }

  @Test
  void theGpuOverlayRequestsAGpuForTheWorkerOnly() {
    Map<String, Map<String, Object>> objects = byKindAndName(render(K8S.resolve("overlays/gpu")));
    for (String name : SERVICES) {
      Map<String, Object> c =
          map(list(podSpec(objects.get("Deployment/" + name)).get("containers")).get(0));
      Map<String, Object> limits = map(map(c.get("resources")).get("limits"));
      if (name.equals("worker")) {
        assertThat(limits).containsEntry("nvidia.com/gpu", 1);
        assertThat((String) c.get("image")).isEqualTo("lethe/worker-gpu:0.1.0");
        assertThat(list(c.get("env"))).as("env merged by name, not replaced").hasSizeGreaterThan(3);
        assertThat(list(c.get("env")))
            .as("jobs run on the GPU (WORKER_DEVICE defaults to cpu)")
            .contains(Map.of("name", "WORKER_DEVICE", "value", "gpu"));
        assertThat(c).containsKeys("livenessProbe", "readinessProbe", "volumeMounts");
      } else {
        assertThat(limits).doesNotContainKey("nvidia.com/gpu");
      }
    }
    assertThat(resources(K8S.resolve("overlays/gpu"))).isNotEmpty();
  }
}
