package io.lethe.testutils;

import static io.lethe.testutils.DeploymentYaml.envFile;
import static io.lethe.testutils.DeploymentYaml.interpolate;
import static io.lethe.testutils.DeploymentYaml.list;
import static io.lethe.testutils.DeploymentYaml.map;
import static io.lethe.testutils.DeploymentYaml.read;
import static io.lethe.testutils.DeploymentYaml.variables;
import static io.lethe.testutils.DeploymentYaml.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml (with docker-compose.gpu.yml and .env.example), the Dockerfile, the Prometheus
 * configuration and Grafana's provisioning cannot be run here (no Docker): this checks that they
 * parse and agree with each other, with the repository and with the services' {@code
 * *Settings.fromEnv} variables, so a typo fails the build rather than a deployment.
 */
class DeploymentFilesTest {
  private static final Set<String> SERVICES = Set.of("intake", "worker", "evaluator", "registry");
  private static final List<String> COMPOSE_FILES =
      List.of("docker-compose.yml", "docker-compose.gpu.yml");

  /** Every variable a service reads (see {@link DeploymentYaml#settingsVariables()}). */
  private static final Set<String> KNOWN_VARIABLES = DeploymentYaml.settingsVariables();

  /** Read by the image (infra/docker/Dockerfile's entrypoint), not by a settings class. */
  private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS");

  /**
   * What each service cannot start without (its settings' {@code required} reads). S3 keys count as
   * given by {@code X} or {@code X_FILE}; the intake needs S3 because its catalog is the registry.
   */
  private static final Map<String, Set<String>> REQUIRED =
      Map.of(
          "intake",
          Set.of(
              "KAFKA_BOOTSTRAP_SERVERS",
              "HTTP_PORT",
              "INTAKE_MODEL_CATALOG",
              "LETHE_API_TOKENS",
              "S3_ENDPOINT",
              "S3_ACCESS_KEY",
              "S3_SECRET_KEY"),
          "worker",
          Set.of(
              "KAFKA_BOOTSTRAP_SERVERS",
              "HTTP_PORT",
              "S3_ENDPOINT",
              "S3_ACCESS_KEY",
              "S3_SECRET_KEY"),
          "evaluator",
          Set.of(
              "KAFKA_BOOTSTRAP_SERVERS",
              "HTTP_PORT",
              "S3_ENDPOINT",
              "S3_ACCESS_KEY",
              "S3_SECRET_KEY"),
          "registry",
          Set.of(
              "KAFKA_BOOTSTRAP_SERVERS",
              "HTTP_PORT",
              "REGISTRY_API_PORT",
              "LETHE_API_TOKENS",
              "S3_ENDPOINT",
              "S3_ACCESS_KEY",
              "S3_SECRET_KEY"));

  private static Map<String, Object> services() {
    return map(yaml("docker-compose.yml").get("services"));
  }

  /** The compose file with every variable at its default: what `docker compose config` sees. */
  private static Map<String, Object> interpolatedServices(String file) {
    return map(
        map(new Yaml(new SafeConstructor(new LoaderOptions())).load(interpolate(read(file))))
            .get("services"));
  }

  private static Map<String, Object> env(Map<String, Object> service) {
    return service.containsKey("environment") ? map(service.get("environment")) : Map.of();
  }

  @Test
  void composeRunsTheInfrastructureAndTheFourServicesWithTheirSettings() {
    Map<String, Object> services = services();
    assertThat(services)
        .containsKeys("kafka", "s3", "topics-init", "seed", "prometheus", "grafana")
        .containsKeys(SERVICES.toArray(String[]::new));
    assertThat((String) map(services.get("kafka")).get("image")).startsWith("apache/kafka:");
    for (String name : SERVICES) {
      Map<String, Object> service = map(services.get(name));
      Map<String, Object> build = map(service.get("build"));
      assertThat(build.get("dockerfile")).as(name).isEqualTo("infra/docker/Dockerfile");
      Map<String, Object> args = map(build.get("args"));
      assertThat(args.get("SERVICE")).as(name).isEqualTo(name);
      assertThat((String) args.get("MAIN_CLASS")).as(name).startsWith("io.lethe." + name + ".");

      Map<String, Object> env = env(service);
      Set<String> allowed = new HashSet<>(KNOWN_VARIABLES);
      allowed.addAll(IMAGE_VARIABLES);
      assertThat(env.keySet()).as(name + " variables").isSubsetOf(allowed);
      assertThat(env.get("HTTP_HOST"))
          .as(name + " must listen beyond loopback")
          .isEqualTo("0.0.0.0");
      for (String required : REQUIRED.get(name)) {
        assertThat(env.containsKey(required) || env.containsKey(required + "_FILE"))
            .as(name + " cannot start without " + required + " (or " + required + "_FILE)")
            .isTrue();
      }
    }
    assertThat(env(map(services.get("intake"))).get("INTAKE_MODEL_CATALOG"))
        .as("the intake learns models from the registry (what seed registers)")
        .isEqualTo("registry");
  }

  @Test
  void everyImageIsPinnedByVersion() throws Exception {
    Pattern pinned = Pattern.compile("^[a-z0-9./_-]+:[A-Za-z0-9._-]*\\d[A-Za-z0-9._-]*$");
    for (String file : COMPOSE_FILES) {
      for (Map.Entry<String, Object> e : interpolatedServices(file).entrySet()) {
        Map<String, Object> service = map(e.getValue());
        Object image = service.get("image");
        assertThat(image != null || service.containsKey("build"))
            .as(file + ": " + e.getKey() + " has neither image nor build")
            .isTrue();
        if (image != null) {
          assertThat(image.toString())
              .as(file + ": " + e.getKey() + " image must name a version, not latest")
              .matches(pinned)
              .doesNotEndWith(":latest");
        }
      }
    }
    for (String line : Files.readAllLines(Repository.file("infra/docker/Dockerfile"))) {
      if (line.startsWith("FROM ")) {
        assertThat(line.split("\\s+")[1]).as("Dockerfile: " + line).matches(pinned);
      }
    }
  }

  @Test
  void everyBuildContextDockerfileArgAndMainClassExists() throws Exception {
    for (String file : COMPOSE_FILES) {
      for (Map.Entry<String, Object> e : interpolatedServices(file).entrySet()) {
        Object b = map(e.getValue()).get("build");
        if (b == null) {
          continue;
        }
        Map<String, Object> build = map(b);
        String context = (String) build.getOrDefault("context", ".");
        String dockerfile = (String) build.getOrDefault("dockerfile", "infra/docker/Dockerfile");
        Path dir = Repository.root().resolve(context).normalize();
        assertThat(dir).as(file + ": " + e.getKey() + " context").isDirectory();
        String docker = Files.readString(dir.resolve(dockerfile));
        Map<String, Object> args = build.containsKey("args") ? map(build.get("args")) : Map.of();
        for (String arg : args.keySet()) {
          assertThat(docker).as(dockerfile + " declares ARG " + arg).contains("ARG " + arg);
        }
        if (args.containsKey("SERVICE")) {
          Path module =
              Repository.root()
                  .resolve((String) args.getOrDefault("MODULE", "services/" + args.get("SERVICE")));
          assertThat(module.resolve("pom.xml")).as(e.getKey() + " module").isRegularFile();
          String main = (String) args.get("MAIN_CLASS");
          assertThat(module.resolve("src/main/java/" + main.replace('.', '/') + ".java"))
              .as(e.getKey() + " main class")
              .isRegularFile();
        }
        if (args.containsKey("MAVEN_PROFILES")) {
          for (String profile : args.get("MAVEN_PROFILES").toString().split("\\s+")) {
            assertThat(read("pom.xml"))
                .as("profile " + profile)
                .contains("<id>" + profile.replaceFirst("^-P", "") + "</id>");
          }
        }
      }
    }
  }

  @Test
  void everyBindMountNamedVolumeAndSecretExistsOrIsDeclared() throws Exception {
    Map<String, Object> compose =
        map(
            new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(interpolate(read(COMPOSE_FILES.get(0)))));
    Set<String> namedVolumes = map(compose.get("volumes")).keySet();
    Map<String, Object> secrets = map(compose.get("secrets"));
    String initSecrets = read("infra/compose/init-secrets.sh");
    for (Map.Entry<String, Object> e : map(compose.get("services")).entrySet()) {
      Map<String, Object> service = map(e.getValue());
      for (Object v : service.containsKey("volumes") ? list(service.get("volumes")) : List.of()) {
        String source =
            v instanceof Map<?, ?> m ? (String) m.get("source") : v.toString().split(":")[0];
        if (source == null) {
          continue; // tmpfs
        }
        if (source.startsWith("./")) {
          assertThat(Repository.root().resolve(source.substring(2)))
              .as(e.getKey() + " mounts " + source)
              .exists();
        } else if (!source.startsWith("/")) {
          assertThat(namedVolumes).as(e.getKey() + " volume " + source).contains(source);
        }
      }
      for (Object s : service.containsKey("secrets") ? list(service.get("secrets")) : List.of()) {
        assertThat(secrets).as(e.getKey() + " secret").containsKey(s.toString());
      }
      for (Map.Entry<String, Object> var : env(service).entrySet()) {
        String value = String.valueOf(var.getValue());
        if (var.getKey().endsWith("_FILE") && value.startsWith("/run/secrets/")) {
          assertThat(list(service.getOrDefault("secrets", List.of())))
              .as(e.getKey() + ": " + var.getKey() + " names a secret it does not mount")
              .contains(value.substring("/run/secrets/".length()));
        }
      }
    }
    for (Map.Entry<String, Object> s : secrets.entrySet()) {
      String file = (String) map(s.getValue()).get("file");
      Path path = Path.of(file.replaceFirst("^\\./", ""));
      if (path.startsWith("infra/compose/secrets")) {
        assertThat(initSecrets)
            .as(s.getKey() + ": " + file + " must be written by infra/compose/init-secrets.sh")
            .contains("write " + path.getFileName());
        assertThat(read(".gitignore")).contains("/infra/compose/secrets/");
      } else {
        assertThat(Repository.root().resolve(path)).as(s.getKey() + ": " + file).isRegularFile();
      }
    }
  }

  @Test
  void noSecretIsAPlainEnvironmentVariable() {
    Pattern secretish = Pattern.compile(".*(SECRET|PASSWORD|_KEY|TOKENS?|JAAS_CONFIG)$");
    for (String file : COMPOSE_FILES) {
      for (Map.Entry<String, Object> e : map(yaml(file).get("services")).entrySet()) {
        for (String var : env(map(e.getValue())).keySet()) {
          assertThat(var)
              .as(file + ": " + e.getKey() + " sets " + var + ": give it as " + var + "_FILE")
              .doesNotMatch(secretish);
        }
      }
    }
  }

  @Test
  void envExampleListsEveryVariableTheComposeFilesReadWithTheSameDefaults() {
    Map<String, String> example = envFile(".env.example");
    Map<String, Set<String>> used = new TreeMap<>();
    for (String file : COMPOSE_FILES) {
      variables(read(file))
          .forEach((k, v) -> used.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
    }
    assertThat(example.keySet()).as(".env.example").containsAll(used.keySet());
    assertThat(used.keySet())
        .as("variables .env.example lists but no compose file reads")
        .containsAll(example.keySet());
    for (Map.Entry<String, Set<String>> e : used.entrySet()) {
      for (String d : e.getValue()) {
        assertThat(example.get(e.getKey()))
            .as(e.getKey() + ": compose default and .env.example disagree")
            .isEqualTo(d);
      }
      assertThat(e.getValue()).as(e.getKey() + " has a default in the compose files").isNotEmpty();
    }
    for (String name : example.keySet()) {
      assertThat(name)
          .as(".env.example must hold no secret: " + name)
          .doesNotMatch(".*(SECRET|PASSWORD|_KEY|TOKENS?)$");
    }
  }

  @Test
  void publishedPortsBindToLoopbackOnly() {
    int published = 0;
    for (Map.Entry<String, Object> e : interpolatedServices("docker-compose.yml").entrySet()) {
      Object ports = map(e.getValue()).get("ports");
      if (ports == null) {
        continue;
      }
      for (Object port : list(ports)) {
        published++;
        assertThat(port.toString())
            .as(e.getKey() + " publishes " + port + ": bind it to 127.0.0.1 (\"127.0.0.1:h:c\")")
            .matches("^127\\.0\\.0\\.1:\\d+:\\d+$");
      }
    }
    assertThat(published).as("ports checked").isGreaterThanOrEqualTo(5);
  }

  @Test
  void publishedPortsAndHealthChecksHitThePortsTheServicesListenOn() {
    Map<String, Object> services = interpolatedServices("docker-compose.yml");
    for (String name : SERVICES) {
      Map<String, Object> service = map(services.get(name));
      Map<String, Object> env = env(service);
      Set<String> listening = new HashSet<>();
      listening.add(String.valueOf(env.get("HTTP_PORT")));
      if (env.containsKey("REGISTRY_API_PORT")) {
        listening.add(String.valueOf(env.get("REGISTRY_API_PORT")));
      }
      for (Object port : service.containsKey("ports") ? list(service.get("ports")) : List.of()) {
        String container = port.toString().replaceFirst("^.*:", "");
        assertThat(listening).as(name + " publishes " + port).contains(container);
      }
      String check =
          String.join(
              " ",
              list(map(service.get("healthcheck")).get("test")).stream()
                  .map(Object::toString)
                  .toList());
      assertThat(check)
          .as(name + " health check port")
          .contains("127.0.0.1:" + env.get("HTTP_PORT") + "/");
    }
    // Prometheus scrapes the services' HTTP_PORT.
    String prometheus = read("infra/prometheus/prometheus.yml");
    for (String name : SERVICES) {
      Object port = env(map(services.get(name))).get("HTTP_PORT");
      assertThat(prometheus)
          .as("prometheus scrapes " + name + " on " + port)
          .containsPattern(
              "(\""
                  + name
                  + ":"
                  + port
                  + "\")|(names: \\[\""
                  + name
                  + "\"\\][\\s\\S]{0,80}port: "
                  + port
                  + ")");
    }
  }

  @Test
  void theSeedOnlyRegistersWithOptionsTheRegisterCommandHas() throws Exception {
    // `lethe-pipeline register` (RegisterCommand): its own options and those of its mixins.
    Path register = Repository.root().resolve("tools/embedded/src/main/java/io/lethe/embedded");
    String command = Files.readString(register.resolve("RegisterCommand.java"));
    assertThat(command).contains("name = \"register\"");
    assertThat(Files.readString(register.resolve("PipelineCommand.java")))
        .as("register is a sub-command of lethe-pipeline")
        .contains("subcommands = RegisterCommand.class");
    List<String> sources = new java.util.ArrayList<>(List.of(command));
    Matcher mixins = Pattern.compile("@Mixin (\\w+) ").matcher(command);
    while (mixins.find()) {
      // A mixin lives next to the command or among the CLI's shared options.
      Path local = register.resolve(mixins.group(1) + ".java");
      sources.add(
          Files.readString(
              Files.exists(local)
                  ? local
                  : Repository.root()
                      .resolve("tools/cli-kit/src/main/java/io/lethe/cli/options")
                      .resolve(mixins.group(1) + ".java")));
    }
    assertThat(sources).as("RegisterCommand and its mixins").hasSizeGreaterThan(1);
    Set<String> options = new HashSet<>();
    Pattern names = Pattern.compile("names = \\{?\"(--[a-z-]+)\"");
    for (String source : sources) {
      Matcher m = names.matcher(source);
      while (m.find()) {
        options.add(m.group(1));
      }
    }

    Map<String, Object> seed = map(interpolatedServices("docker-compose.yml").get("seed"));
    assertThat(list(seed.get("profiles"))).as("seed runs on demand only").containsExactly("seed");
    assertThat(map(map(seed.get("build")).get("args")).get("MAIN_CLASS"))
        .isEqualTo("io.lethe.embedded.PipelineCommand");
    List<Object> args = list(seed.get("command"));
    assertThat(args).as("seed runs `lethe-pipeline register`, not the demo").startsWith("register");
    for (Object arg : args.subList(1, args.size())) {
      assertThat(options).as("seed passes " + arg).contains(arg.toString().replaceFirst("=.*", ""));
    }
    assertThat(args.stream().map(Object::toString))
        .as("demo and serving options")
        .noneMatch(a -> a.matches("--(once|no-demo|forget-.*|group-prefix|drain-timeout).*"));
    assertThat(seed)
        .as("seed runs the image's entrypoint (no shell exporting secrets)")
        .doesNotContainKey("entrypoint");
    Map<String, Object> env = env(seed);
    assertThat(env)
        .containsEntry("S3_ACCESS_KEY_FILE", "/run/secrets/s3-access-key")
        .containsEntry("S3_SECRET_KEY_FILE", "/run/secrets/s3-secret-key")
        .containsKey("S3_ENDPOINT")
        .as("register needs S3 only")
        .doesNotContainKey("KAFKA_BOOTSTRAP_SERVERS");
    assertThat(map(seed.get("depends_on")).keySet()).containsExactly("s3");
  }

  @Test
  void theComposeSmokeTestIsOptInAndSetsOnlyVariablesTheComposeFileReads() {
    String pom = read("pom.xml");
    String defaultModules = pom.substring(pom.indexOf("<modules>"), pom.indexOf("</modules>"));
    assertThat(defaultModules)
        .as("the default build (and .ci/run) never builds the compose smoke test")
        .doesNotContain("compose-smoke");
    assertThat(pom)
        .containsPattern(
            "<id>compose-smoke</id>\\s*<modules>\\s*<module>tests/compose-smoke</module>");
    String smoke = read("tests/compose-smoke/src/test/java/io/lethe/smoke/ComposeSmokeIT.java");
    Map<String, String> example = envFile(".env.example");
    Matcher m = Pattern.compile("env\\.put\\(\"([A-Z0-9_]+)\"").matcher(smoke);
    int set = 0;
    while (m.find()) {
      set++;
      assertThat(example)
          .as("ComposeSmokeIT sets " + m.group(1) + ", which no compose file reads")
          .containsKey(m.group(1));
    }
    assertThat(set).as("variables ComposeSmokeIT sets").isGreaterThan(10);
  }

  @Test
  void theApiServicesGetTheirTokenHashesFromAFileSecret() {
    Map<String, Object> compose =
        map(
            new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(interpolate(read("docker-compose.yml"))));
    Map<String, Object> secrets = map(compose.get("secrets"));
    for (String name : List.of("intake", "registry")) {
      Map<String, Object> service = map(map(compose.get("services")).get(name));
      Map<String, Object> env = env(service);
      assertThat(env).as(name).doesNotContainKeys("LETHE_API_TOKENS", "LETHE_AUTH");
      String path = (String) env.get("LETHE_API_TOKENS_FILE");
      assertThat(path).as(name).startsWith("/run/secrets/");
      String secret = path.substring("/run/secrets/".length());
      assertThat(list(service.get("secrets"))).as(name).contains(secret);
      String file = (String) map(secrets.get(secret)).get("file");
      assertThat(Repository.file(file.replaceFirst("^\\./", ""))).as(file).isNotNull();
    }
  }

  @Test
  void healthChecksUseCurlOnTheReadinessEndpointThatTheImageHas() {
    assertThat(read("infra/docker/Dockerfile"))
        .as("the runtime image installs curl")
        .containsPattern("apt-get install[^\\n]*curl");
    for (Map.Entry<String, Object> e : services().entrySet()) {
      Object hc = map(e.getValue()).get("healthcheck");
      if (hc == null) {
        continue;
      }
      List<Object> test = list(map(hc).get("test"));
      String joined = test.stream().map(Object::toString).collect(Collectors.joining(" "));
      if (test.get(0).equals("CMD-SHELL")) {
        assertThat(joined.replaceAll("bash -c '[^']*'", ""))
            .as(e.getKey() + ": /bin/sh is dash in the images: /dev/tcp only inside bash -c '...'")
            .doesNotContain("/dev/tcp");
      }
      if (SERVICES.contains(e.getKey())) {
        assertThat(test).as(e.getKey()).startsWith("CMD", "curl");
        assertThat(joined).as(e.getKey()).contains("/health/ready");
      }
    }
  }

  @Test
  void kafkaKeepsItsTopicsInTheVolumeWithAFixedClusterId() {
    Map<String, Object> kafka = map(interpolatedServices("docker-compose.yml").get("kafka"));
    Map<String, Object> env = env(kafka);
    String logDirs = (String) env.get("KAFKA_LOG_DIRS");
    assertThat(logDirs).as("KAFKA_LOG_DIRS (the image's default is under /tmp)").isNotBlank();
    assertThat(list(kafka.get("volumes")))
        .as("the volume holds the log dirs")
        .anySatisfy(
            v -> assertThat(v.toString()).matches("^kafka-data:" + Pattern.quote(logDirs) + "$"));
    assertThat((String) env.get("CLUSTER_ID"))
        .as("a KRaft cluster id: base64url of 16 bytes")
        .matches("^[A-Za-z0-9_-]{22}$");
  }

  @Test
  void topicsInitCreatesEveryTopicWithTheRetentionTheCodeStates() {
    String script = read("infra/compose/create-topics.sh");
    String topics = read("libs/lethe-api/src/main/java/io/lethe/api/Topics.java");
    Matcher name = Pattern.compile("\"(lethe\\.[a-z.-]+)\"").matcher(topics);
    int count = 0;
    while (name.find()) {
      count++;
      assertThat(script)
          .as("create-topics.sh creates " + name.group(1))
          .contains("create " + name.group(1) + " ");
    }
    assertThat(count).isGreaterThanOrEqualTo(7);
    String pipeline = read("tools/embedded/src/main/java/io/lethe/embedded/PipelineTopics.java");
    Map<String, String> constants = new HashMap<>();
    Matcher c = Pattern.compile("String ([A-Z_]+) = \"(lethe\\.[a-z.-]+)\"").matcher(topics);
    while (c.find()) {
      constants.put(c.group(1), c.group(2));
    }
    Matcher r =
        Pattern.compile("Topics\\.([A-Z_]+), Duration\\.ofDays\\((\\d+)\\)").matcher(pipeline);
    int retained = 0;
    while (r.find()) {
      retained++;
      String topic = constants.get(r.group(1));
      assertThat(script)
          .as(topic + " keeps records " + r.group(2) + " days (PipelineTopics.RETENTION)")
          .containsPattern(
              "create "
                  + Pattern.quote(topic)
                  + " \\S+ retention\\.ms=\\$\\(\\("
                  + r.group(2)
                  + " \\* day\\)\\)");
    }
    assertThat(retained).isEqualTo(6);
    String ledger =
        read("libs/lethe-service-common/src/main/java/io/lethe/service/kafka/LedgerTopic.java");
    assertThat(ledger)
        .contains("RETENTION = Duration.ofDays(30)", "MIN_COMPACTION_LAG = Duration.ofDays(1)");
    assertThat(script)
        .containsPattern(
            "create lethe\\.intake-ledger 1 cleanup\\.policy=compact,delete retention\\.ms=\\$\\(\\(30 \\* day\\)\\)")
        .contains("min.compaction.lag.ms=$((1 * day))");
    Map<String, Object> init = map(services().get("topics-init"));
    assertThat(list(init.get("volumes")))
        .anySatisfy(v -> assertThat(v.toString()).startsWith("./infra/compose/create-topics.sh:"));
    for (String name2 : SERVICES) {
      assertThat(map(map(map(services().get(name2)).get("depends_on")).get("topics-init")))
          .as(name2 + " starts after the topics exist")
          .containsEntry("condition", "service_completed_successfully");
    }
  }

  @Test
  void theWorkerCanBeScaledDrainsAndHasMemoryForOffHeapTensors() {
    Map<String, Object> services = interpolatedServices("docker-compose.yml");
    Map<String, Object> worker = map(services.get("worker"));
    // A fixed name or host port would make `--scale worker=3` fail on the second replica.
    assertThat(worker).doesNotContainKeys("container_name", "ports");
    assertThat(duration(worker.get("stop_grace_period").toString()))
        .as("a running job drains on SIGTERM: minutes, not Docker's 10 s")
        .isGreaterThanOrEqualTo(Duration.ofMinutes(5));
    for (String name : SERVICES) {
      Map<String, Object> service = map(services.get(name));
      Object memory =
          map(map(map(service.get("deploy")).get("resources")).get("limits")).get("memory");
      assertThat(memory).as(name + " memory limit").isNotNull();
      Matcher pct =
          Pattern.compile("MaxRAMPercentage=(\\d+)")
              .matcher(String.valueOf(env(service).get("JAVA_OPTS")));
      assertThat(pct.find()).as(name + " sizes its heap from the limit").isTrue();
      int max = name.equals("worker") || name.equals("evaluator") ? 50 : 75;
      assertThat(Integer.parseInt(pct.group(1)))
          .as(name + ": the rest of the limit is off-heap (DJL tensors, natives, stacks)")
          .isLessThanOrEqualTo(max);
    }
  }

  @Test
  void theGpuOverrideBuildsWithTheGpuProfileAndReservesAnNvidiaDevice() {
    Map<String, Object> gpu = map(yaml("docker-compose.gpu.yml").get("services"));
    assertThat(gpu.keySet()).as("overrides existing services only").isSubsetOf(services().keySet());
    Map<String, Object> worker = map(gpu.get("worker"));
    assertThat(map(map(worker.get("build")).get("args")).get("MAVEN_PROFILES")).isEqualTo("-Pgpu");
    Map<String, Object> device =
        map(
            list(map(map(map(worker.get("deploy")).get("resources")).get("reservations"))
                    .get("devices"))
                .get(0));
    assertThat(device).containsEntry("driver", "nvidia");
    assertThat(list(device.get("capabilities"))).contains("gpu");
    // The worker must run its jobs there (WORKER_DEVICE defaults to cpu).
    assertThat(map(worker.get("environment"))).containsEntry("WORKER_DEVICE", "gpu");
  }

  @Test
  void prometheusScrapesTheFourServices() {
    for (String file :
        List.of("infra/prometheus/prometheus.yml", "infra/prometheus/prometheus-local.yml")) {
      Set<Object> jobs =
          list(yaml(file).get("scrape_configs")).stream()
              .map(c -> map(c).get("job_name"))
              .collect(Collectors.toSet());
      assertThat(jobs).as(file).isEqualTo(Set.copyOf(SERVICES));
    }
  }

  @Test
  void grafanaIsProvisionedWithTheDatasourceAndFolderTheDashboardUses() throws Exception {
    Map<String, Object> datasource =
        map(
            list(yaml("grafana/provisioning/datasources/prometheus.yml").get("datasources"))
                .get(0));
    String dashboard = Files.readString(Repository.file("grafana/dashboards/lethe-pipeline.json"));
    assertThat(dashboard).contains("\"uid\": \"" + datasource.get("uid") + "\"");
    assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");

    Map<String, Object> provider =
        map(list(yaml("grafana/provisioning/dashboards/lethe.yml").get("providers")).get(0));
    String path = (String) map(provider.get("options")).get("path");
    List<Object> grafanaVolumes = list(map(services().get("grafana")).get("volumes"));
    assertThat(grafanaVolumes)
        .contains(
            "./grafana/dashboards:" + path + ":ro",
            "./grafana/provisioning:/etc/grafana/provisioning:ro");
  }

  /** Compose durations: 90s, 10m, 1h30m. */
  static Duration duration(String text) {
    Matcher m = Pattern.compile("(\\d+)(h|m|s|ms)").matcher(text);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      assertThat(m.start()).as("duration " + text).isEqualTo(end);
      end = m.end();
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
              });
    }
    assertThat(end).as("duration " + text).isEqualTo(text.length()).isPositive();
    return d;
  }
}
