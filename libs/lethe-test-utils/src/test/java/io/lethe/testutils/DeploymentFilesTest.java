package io.lethe.testutils;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml, the Prometheus configuration and Grafana's provisioning cannot be run here
 * (no Docker): this checks that they parse and agree with each other and with the services' {@code
 * *Settings.fromEnv} variables, so a typo fails the build rather than a deployment.
 */
class DeploymentFilesTest {
  private static final Set<String> SERVICES = Set.of("intake", "worker", "evaluator", "registry");

  /**
   * Every variable a service reads: the upper-case string constants of the settings classes
   * (KafkaSettings, HttpSettings, S3Settings, each service's *Settings), so a renamed or misspelt
   * variable in the compose file fails here instead of being silently ignored by the service.
   */
  private static final Set<String> KNOWN_VARIABLES = settingsVariables();

  private static Set<String> settingsVariables() {
    Pattern constant = Pattern.compile("\"([A-Z][A-Z0-9]*_[A-Z0-9_]+)\"");
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Repository.root())) {
      for (Path f :
          files
              .filter(x -> x.toString().endsWith("Settings.java"))
              .filter(x -> x.toString().contains("/src/main/java/"))
              .filter(x -> !x.toString().contains("/target/"))
              .toList()) {
        Matcher m = constant.matcher(Files.readString(f));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  @Test
  void composeRunsTheInfrastructureAndTheFourServicesWithTheirSettings() throws Exception {
    Map<String, Object> services = map(yaml("docker-compose.yml").get("services"));

    assertThat(services)
        .containsKeys("kafka", "minio", "prometheus", "grafana")
        .containsKeys(SERVICES.toArray(String[]::new));
    assertThat((String) map(services.get("kafka")).get("image")).startsWith("apache/kafka:");
    for (String name : SERVICES) {
      Map<String, Object> service = map(services.get(name));
      Map<String, Object> build = map(service.get("build"));
      assertThat(build.get("dockerfile")).as(name).isEqualTo("infra/docker/Dockerfile");
      Map<String, Object> args = map(build.get("args"));
      assertThat(args.get("SERVICE")).as(name).isEqualTo(name);
      assertThat((String) args.get("MAIN_CLASS")).as(name).startsWith("io.lethe." + name + ".");

      Map<String, Object> env = map(service.get("environment"));
      assertThat(env.keySet()).as(name + " variables").isSubsetOf(KNOWN_VARIABLES);
      assertThat(env).as(name).containsKeys("KAFKA_BOOTSTRAP_SERVERS", "HTTP_PORT", "HTTP_HOST");
      assertThat(env.get("HTTP_HOST"))
          .as(name + " must listen beyond loopback")
          .isEqualTo("0.0.0.0");
      if (!name.equals("intake")) {
        assertThat(env).as(name).containsKeys("S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY");
      }
    }
    assertThat(map(map(services.get("intake")).get("environment")))
        .containsKey("INTAKE_MODEL_CATALOG");
    assertThat(Repository.file("infra/compose/model-catalog.json")).isNotNull();
  }

  @Test
  void publishedPortsBindToLoopbackOnly() {
    Map<String, Object> services = map(yaml("docker-compose.yml").get("services"));
    int published = 0;
    for (Map.Entry<String, Object> e : services.entrySet()) {
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
  void theApiServicesGetTheirTokenHashesFromAFileSecret() {
    Map<String, Object> compose = yaml("docker-compose.yml");
    Map<String, Object> secrets = map(compose.get("secrets"));
    for (String name : List.of("intake", "registry")) {
      Map<String, Object> service = map(map(compose.get("services")).get(name));
      Map<String, Object> env = map(service.get("environment"));
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
  void theWorkerCanBeScaledAndSeesFashionMnist() throws Exception {
    Map<String, Object> worker = map(map(yaml("docker-compose.yml").get("services")).get("worker"));
    // A fixed name or host port would make `--scale worker=3` fail on the second replica.
    assertThat(worker).doesNotContainKeys("container_name", "ports");
    assertThat(list(worker.get("volumes")))
        .anySatisfy(
            v -> assertThat(v.toString()).endsWith(":/usr/share/datasets/fashion-mnist:ro"));
  }

  @Test
  void theServiceMainClassesExist() {
    Map<String, Object> services = map(yaml("docker-compose.yml").get("services"));
    for (String name : SERVICES) {
      Path module = Repository.root().resolve("services").resolve(name);
      String main =
          (String) map(map(map(services.get(name)).get("build")).get("args")).get("MAIN_CLASS");
      assertThat(module.resolve("src/main/java/" + main.replace('.', '/') + ".java"))
          .as(name + " main class")
          .isRegularFile();
    }
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
    List<Object> grafanaVolumes =
        list(map(map(yaml("docker-compose.yml").get("services")).get("grafana")).get("volumes"));
    assertThat(grafanaVolumes)
        .contains(
            "./grafana/dashboards:" + path + ":ro",
            "./grafana/provisioning:/etc/grafana/provisioning:ro");
  }

  private static Map<String, Object> yaml(String relative) {
    try {
      // Merge keys (<<) and aliases are resolved by SnakeYAML as Compose does.
      Object root =
          new Yaml(new SafeConstructor(new LoaderOptions()))
              .load(Files.readString(Repository.file(relative)));
      return map(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }
}
