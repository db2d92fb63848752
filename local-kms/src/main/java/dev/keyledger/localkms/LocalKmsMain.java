package dev.keyledger.localkms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs local-kms alone until interrupted: {@code java dev.keyledger.localkms.LocalKmsMain [--host
 * H] [--port P] [--data-dir DIR]}. Defaults are {@link LocalKmsConfig#defaults()}.
 */
public final class LocalKmsMain {
  private LocalKmsMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalKmsConfig config = LocalKmsConfig.defaults();
    try {
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--port" -> config = config.withPort(Integer.parseInt(require(args[i], value)));
          case "--host" -> config = config.withHost(require(args[i], value));
          case "--data-dir" -> config = config.withDataDir(Path.of(require(args[i], value)));
          default ->
              throw new IllegalArgumentException(
                  "unknown argument "
                      + args[i]
                      + "; usage: LocalKmsMain [--host H] [--port P] [--data-dir DIR]");
        }
        i++;
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
    LocalKms kms;
    try {
      kms = LocalKms.start(config);
    } catch (IOException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kms.close();
                  stopped.countDown();
                },
                "local-kms-shutdown"));
    System.out.println("local-kms listening on " + kms.endpoint());
    stopped.await();
  }

  private static String require(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
