package dev.keyledger.benchmarks.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One JVM the harness starts, kills and starts again with the same command line (so the same data
 * dir and ports): a KeyLedger node or a Kafka broker. Its output is appended to one log file over
 * every start, so a restart's recovery can be read after the one before it.
 */
final class ChildProcess implements AutoCloseable {

  private final String name;
  private final List<String> command;
  private final java.util.Map<String, String> environment;
  private final Path log;
  private final BooleanSupplier ready;
  private Process process;

  /**
   * @param ready true once the started process serves (polled every 50 ms after a start)
   */
  ChildProcess(
      String name,
      List<String> command,
      java.util.Map<String, String> environment,
      Path log,
      BooleanSupplier ready) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = java.util.Map.copyOf(environment);
    this.log = log;
    this.ready = ready;
  }

  String name() {
    return name;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /**
   * Starts the process and waits until it is ready.
   *
   * @return seconds from the start to ready
   * @throws IOException if it exits first or is not ready within {@code timeout}
   */
  double start(Duration timeout) throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    long started = System.nanoTime();
    process = builder.start();
    long deadline = started + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            name + " exited with " + process.exitValue() + " before it was ready; see " + log);
      }
      if (ready.getAsBoolean()) {
        return (System.nanoTime() - started) / 1e9;
      }
      // Polls another process's readiness, bounded by the deadline.
      Thread.sleep(50);
    }
    kill();
    throw new IOException(name + " was not ready within " + timeout + "; see " + log);
  }

  /**
   * SIGKILL ({@code Process.destroyForcibly} of a plain {@code java} child) and the wait for it.
   */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /** SIGTERM, then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  /** The {@code java} of this JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
