package dev.keyledger.edge.cli;

import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyledger kms}: the local KMS + STS + IAM emulator alone, for the AWS CLI and tests. */
@Command(
    name = "kms",
    mixinStandardHelpOptions = true,
    description = "Run the local AWS KMS/STS/IAM emulator alone.")
public final class KmsCommand implements Callable<Integer> {

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "4566",
      description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      description = "Keep keys, roles and policies here across restarts (default: in memory).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    LocalKmsConfig config = LocalKmsConfig.defaults().withHost(host).withPort(port);
    LocalKms kms =
        LocalKms.start(dataDir == null ? config : config.withDataDir(dataDir.toAbsolutePath()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kms.close();
                  stopped.countDown();
                },
                "local-kms-shutdown"));
    System.out.println(
        "local-kms ready at "
            + kms.endpoint()
            + " (customer "
            + config.customerAccountId()
            + ": AWS_ACCESS_KEY_ID="
            + config.customerAccessKeyId()
            + " AWS_SECRET_ACCESS_KEY="
            + config.customerSecretAccessKey()
            + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
