package io.lethe.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's scratch files: what the engine must write to disk while a job runs (a TorchScript
 * module is loaded from a file; {@code EngineRuntime.TEMP_DIR} points the engine here), which
 * encodes the data being forgotten and so must not outlive the job. Jobs keep checkpoints in
 * memory. Each worker process works in its own directory under a shared root ({@code
 * WORKER_SCRATCH_DIR}), named after its PID ({@code pid-<pid>-<random>}); the engine deletes its
 * files when the load ends, and the process directory is deleted when the worker stops. A worker
 * killed with SIGKILL runs none of that, so {@link #open} first deletes every sibling directory
 * whose process is no longer alive.
 *
 * <p>A PID reused by an unrelated process keeps the dead worker's directory until that process
 * exits too; a directory carrying this process's own PID is not this process's (it is created after
 * the sweep), so it is a predecessor's, e.g. of a restarted container where the worker is always
 * PID 1.
 */
final class ScratchSpace implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScratchSpace.class);
  private static final Pattern PROCESS_DIR = Pattern.compile("^pid-([0-9]{1,19})-[0-9a-f]+$");

  private final Path root;
  private final Path dir;

  private ScratchSpace(Path root, Path dir) {
    this.root = root;
    this.dir = dir;
  }

  /**
   * Creates {@code root} if needed, deletes the directories of dead workers in it, then creates
   * this process's directory.
   *
   * @throws IOException if the root or this process's directory cannot be created
   */
  static ScratchSpace open(Path root) throws IOException {
    Path absolute = Files.createDirectories(Objects.requireNonNull(root, "root")).toRealPath();
    reapDead(absolute);
    byte[] token = new byte[6];
    new SecureRandom().nextBytes(token);
    Path dir =
        Files.createDirectory(
            absolute.resolve(
                "pid-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(token)));
    return new ScratchSpace(absolute, dir);
  }

  /** This process's directory, where job directories go. */
  Path dir() {
    return dir;
  }

  /** The shared root. */
  Path root() {
    return root;
  }

  /** Deletes this process's directory and everything in it. */
  @Override
  public void close() {
    long bytes = deleteQuietly(dir);
    LOG.info("scratch directory {} deleted ({} bytes)", dir, bytes);
  }

  /**
   * Deletes every {@code pid-*} directory in {@code root} whose process is no longer alive (or
   * carries this process's PID: see the class comment).
   *
   * @return the directories deleted
   */
  static List<Path> reapDead(Path root) throws IOException {
    long self = ProcessHandle.current().pid();
    List<Path> reaped = new ArrayList<>();
    long bytes = 0;
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        OptionalLong pid = pidOf(child);
        if (pid.isEmpty() || !Files.isDirectory(child)) {
          continue;
        }
        if (pid.getAsLong() != self && ProcessHandle.of(pid.getAsLong()).isPresent()) {
          continue; // a live worker's
        }
        bytes += deleteQuietly(child);
        reaped.add(child);
      }
    }
    if (!reaped.isEmpty()) {
      LOG.info(
          "deleted the scratch directories of {} dead worker process(es) in {}: {} bytes",
          reaped.size(),
          root,
          bytes);
    }
    return reaped;
  }

  /**
   * Deletes {@code path} recursively; what cannot be deleted is logged, not thrown (the next worker
   * start gets it).
   *
   * @return the bytes of the files deleted
   */
  static long deleteQuietly(Path path) {
    AtomicLong bytes = new AtomicLong();
    try {
      Files.walkFileTree(
          path,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              bytes.addAndGet(attrs.size());
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE; // deleted meanwhile (another worker's sweep)
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
              }
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete scratch {} entirely: {}", path, e.toString());
    }
    return bytes.get();
  }

  private static OptionalLong pidOf(Path child) {
    Matcher m = PROCESS_DIR.matcher(child.getFileName().toString());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
