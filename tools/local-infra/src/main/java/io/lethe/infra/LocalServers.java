package io.lethe.infra;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts Kafka and S3 for the local demo and for {@code .ci/run}.
 *
 * <pre>
 * java -jar tools/local-infra/target/lethe-local-infra.jar start --dir target/local-servers
 * java -jar tools/local-infra/target/lethe-local-infra.jar stop  --dir target/local-servers
 * </pre>
 *
 * <p>{@code start} runs in the foreground until it is killed (SIGTERM or Ctrl-C), then stops both
 * servers. Once both answer, it prints {@code KEY=value} lines ({@link #environment()}) on standard
 * output and writes them to {@code <dir>/env} (atomically, so its existence means "ready"), and its
 * pid to {@code <dir>/pid}. {@code stop} terminates the process named in {@code <dir>/pid} and
 * waits for it.
 */
public final class LocalServers implements AutoCloseable {
  private final LocalKafka kafka;
  private final LocalS3 s3;

  public LocalServers(Path dir) {
    this(
        LocalKafka.builder(dir.resolve("kafka")).build(),
        LocalS3.builder(dir.resolve("s3")).build());
  }

  public LocalServers(LocalKafka kafka, LocalS3 s3) {
    this.kafka = kafka;
    this.s3 = s3;
  }

  /** Starts both servers in parallel; on failure stops whichever did start. */
  public LocalServers start() {
    CompletableFuture<LocalKafka> k = CompletableFuture.supplyAsync(kafka::start);
    CompletableFuture<LocalS3> s = CompletableFuture.supplyAsync(s3::start);
    try {
      CompletableFuture.allOf(k, s).join();
    } catch (RuntimeException e) {
      CompletableFuture.allOf(k, s).exceptionally(t -> null).join();
      close();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return this;
  }

  public LocalKafka kafka() {
    return kafka;
  }

  public LocalS3 s3() {
    return s3;
  }

  /** The variables that the services' tests and {@code .ci/run} read. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("S3_ENDPOINT", s3.endpoint());
    env.put("S3_ACCESS_KEY", s3.accessKey());
    env.put("S3_SECRET_KEY", s3.secretKey());
    env.put("S3_REGION", s3.region());
    return env;
  }

  @Override
  public void close() {
    try {
      kafka.stop();
    } finally {
      s3.stop();
    }
  }

  public static void main(String[] args) throws Exception {
    // The readiness check's Admin client logs through slf4j, which has no provider here: keep the
    // "no providers" notice off the terminal.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
      usage(out);
      return args.length == 0 ? 2 : 0;
    }
    Path dir = Paths.get("target", "local-servers");
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--dir") && i + 1 < args.length) {
        dir = Paths.get(args[++i]);
      } else {
        err.println("unknown option: " + args[i]);
        usage(err);
        return 2;
      }
    }
    switch (args[0]) {
      case "start":
        return start(dir.toAbsolutePath(), out, err);
      case "stop":
        return stop(dir.toAbsolutePath(), out, err);
      default:
        err.println("unknown command: " + args[0]);
        usage(err);
        return 2;
    }
  }

  private static int start(Path dir, PrintStream out, PrintStream err) throws Exception {
    Files.createDirectories(dir);
    Path envFile = dir.resolve("env");
    Path pidFile = dir.resolve("pid");
    Files.deleteIfExists(envFile);
    LocalServers servers = new LocalServers(dir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  servers.close();
                  try {
                    Files.deleteIfExists(envFile);
                    Files.deleteIfExists(pidFile);
                  } catch (IOException e) {
                    // best effort
                  }
                  stopped.countDown();
                },
                "lethe-local-servers-stop"));
    long t0 = System.nanoTime();
    try {
      servers.start();
    } catch (RuntimeException e) {
      err.println("local servers failed to start: " + e.getMessage());
      return 1;
    }
    StringBuilder env = new StringBuilder();
    servers.environment().forEach((k, v) -> env.append(k).append('=').append(v).append('\n'));
    Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
    Path tmp = dir.resolve("env.tmp");
    Files.writeString(tmp, env.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, envFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    out.print(env);
    out.flush();
    err.printf(
        "Kafka ready in %d ms, S3 in %d ms (both %d ms); logs: %s, %s. Ctrl-C or `stop --dir %s` to stop.%n",
        servers.kafka().startTime().toMillis(),
        servers.s3().startTime().toMillis(),
        Duration.ofNanos(System.nanoTime() - t0).toMillis(),
        servers.kafka().logFile(),
        servers.s3().logFile(),
        dir);
    stopped.await();
    return 0;
  }

  private static int stop(Path dir, PrintStream out, PrintStream err) throws Exception {
    Path pidFile = dir.resolve("pid");
    if (!Files.exists(pidFile)) {
      err.println("no " + pidFile + ": nothing to stop");
      return 0;
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      Files.deleteIfExists(pidFile);
      err.println("process " + pid + " is gone");
      return 0;
    }
    handle.get().destroy();
    try {
      handle.get().onExit().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      err.println("process " + pid + " did not stop within 60 s");
      return 1;
    }
    out.println("stopped local servers (pid " + pid + ")");
    return 0;
  }

  private static void usage(PrintStream out) {
    out.println("usage: LocalServers start [--dir DIR]   start Kafka and S3; runs until killed");
    out.println("       LocalServers stop  [--dir DIR]   stop the servers started with DIR");
    out.println(
        "DIR defaults to target/local-servers. start prints KEY=value lines and writes them");
    out.println("to DIR/env once both servers answer.");
  }
}
