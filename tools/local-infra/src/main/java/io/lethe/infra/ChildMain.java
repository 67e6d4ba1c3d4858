package io.lethe.infra;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child server process: {@code ChildMain <main class> <args...>}.
 *
 * <p>It watches standard input, which is a pipe from the parent JVM, and exits when it reaches
 * end-of-file: the parent closed it, or the parent died (even by {@code kill -9}, where shutdown
 * hooks never run). So a crashed test JVM never leaves a broker behind. Then it runs the real main
 * method in the same JVM.
 */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ChildMain <main class> [args...]");
      System.exit(2);
    }
    Thread watchdog =
        new Thread(
            () -> {
              InputStream in = System.in;
              byte[] buffer = new byte[256];
              try {
                while (in.read(buffer) >= 0) {
                  // The parent never writes; keep reading until it goes away.
                }
              } catch (IOException e) {
                // Treat a broken pipe like end-of-file.
              }
              System.err.println("[lethe-local-infra] parent process gone: shutting down");
              System.exit(0);
            },
            "lethe-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }
}
