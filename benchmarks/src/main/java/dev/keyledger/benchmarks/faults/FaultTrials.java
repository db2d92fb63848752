package dev.keyledger.benchmarks.faults;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The fault-trial harness: KeyLedger under a {@link MixedLoad} while its process or its brokers are
 * killed, then a {@link LogVerdict} from the event log alone. Two phases, each on fresh state:
 *
 * <ol>
 *   <li><b>Process kills</b>: {@code keyledger.jar dev} as a child JVM (its broker and KMS emulator
 *       run inside it, as a developer runs it), {@code kill -9} at a random point of the load
 *       ({@code --uptime} seconds after ready, uniform), restart on the same data dir and ports,
 *       {@code --process-kills} times. Killing dev mode kills its single broker too: every trial is
 *       also an unclean broker shutdown, the harsher case for the log.
 *   <li><b>Broker kills</b>: a controller and three brokers as child JVMs (RF 3, {@code
 *       min.insync.replicas=2}), the KMS emulator in this JVM, {@code keyledger.jar serve} ({@code
 *       auth.mode=shared-secret}) against them; SIGKILL of a random broker at a random point, a
 *       restart after 1 to 4 s, and a wait until every ISR is full again (so the next kill leaves
 *       two in-sync replicas), {@code --broker-kills} times.
 * </ol>
 *
 * <p>Prints one summary line: {@code trials=... faults=... commands=... lost=... duplicated=...
 * chain_breaks=... state_mismatch=... undecryptable=... unresolved_202=...}, the usage counts
 * (encryptions answered, folded as used + reserved, DEKs under) and each phase's restart-to-ready
 * times. Exit 0 when lost, duplicated, chain breaks, state mismatches, undecryptable ciphertexts,
 * unresolved 202s and DEKs under are all 0; 1 otherwise.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.keyledger.benchmarks.faults.FaultTrials
 * --process-kills 50 --broker-kills 20 [--threads 4] [--tenants-per-thread 5] [--uptime 2-10]
 * [--seed N] [--work DIR] [--jar api-edge/target/keyledger.jar] [--report FILE]}.
 */
public final class FaultTrials {

  /**
   * How often the nodes retry a sealed tenant's CMK: a KMS call that times out on a loaded machine
   * seals its tenant (SPEC §2), and the verdict waits for the node to unseal it by itself.
   */
  static final java.time.Duration SEAL_RETRY = java.time.Duration.ofSeconds(5);

  /** The options; see the class comment. */
  public record Options(
      int processKills,
      int brokerKills,
      int threads,
      int tenantsPerThread,
      double minUptime,
      double maxUptime,
      long seed,
      Path work,
      Path jar,
      Path report) {

    static Options parse(String... args) throws IOException {
      int processKills = 3;
      int brokerKills = 2;
      int threads = 4;
      int tenants = 5;
      double minUp = 2;
      double maxUp = 10;
      long seed = System.nanoTime();
      Path work = null;
      Path jar = Path.of("api-edge/target/keyledger.jar");
      Path report = null;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--process-kills" -> processKills = Integer.parseInt(value);
          case "--broker-kills" -> brokerKills = Integer.parseInt(value);
          case "--threads" -> threads = Integer.parseInt(value);
          case "--tenants-per-thread" -> tenants = Integer.parseInt(value);
          case "--uptime" -> {
            String[] range = value.split("-");
            minUp = Double.parseDouble(range[0]);
            maxUp = Double.parseDouble(range[range.length - 1]);
          }
          case "--seed" -> seed = Long.parseLong(value);
          case "--work" -> work = Path.of(value);
          case "--jar" -> jar = Path.of(value);
          case "--report" -> report = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (processKills < 0 || brokerKills < 0 || threads < 1 || tenants < 1 || minUp > maxUp) {
        throw new IllegalArgumentException("kills >= 0, --threads >= 1, --uptime MIN-MAX");
      }
      return new Options(
          processKills,
          brokerKills,
          threads,
          tenants,
          minUp,
          maxUp,
          seed,
          work == null ? Files.createTempDirectory("keyledger-faults-") : work,
          jar,
          report);
    }
  }

  /** One phase's faults, load and verdict. */
  public record Phase(
      String key,
      String name,
      int faults,
      long requests,
      long unanswered,
      long wrongPlaintexts,
      List<Double> restartSeconds,
      List<Double> catchUpSeconds,
      LogVerdict.Figures figures) {}

  /** Both phases. */
  public record Result(long seed, List<Phase> phases) {

    long sum(java.util.function.ToLongFunction<LogVerdict.Figures> f) {
      return phases.stream().mapToLong(p -> f.applyAsLong(p.figures())).sum();
    }

    /**
     * Whether nothing was lost, duplicated, broken, mismatched, undecryptable, unresolved or
     * undercounted.
     */
    public boolean clean() {
      return sum(LogVerdict.Figures::lost) == 0
          && sum(LogVerdict.Figures::duplicated) == 0
          && sum(LogVerdict.Figures::chainBreaks) == 0
          && sum(LogVerdict.Figures::stateMismatches) == 0
          && sum(LogVerdict.Figures::undecryptable) == 0
          && sum(LogVerdict.Figures::unresolved) == 0
          && sum(LogVerdict.Figures::deksUndercounted) == 0
          && phases.stream().mapToLong(Phase::wrongPlaintexts).sum() == 0;
    }

    /** The summary line. */
    public String summary() {
      int faults = phases.stream().mapToInt(Phase::faults).sum();
      return String.format(
              Locale.ROOT,
              "faults: trials=%d faults=%d commands=%d lost=%d duplicated=%d chain_breaks=%d"
                  + " state_mismatch=%d undecryptable=%d/%d unresolved_202=%d/%d"
                  + " encryptions=%d counted=%d undercounted_deks=%d/%d",
              faults,
              faults,
              sum(LogVerdict.Figures::commands),
              sum(LogVerdict.Figures::lost),
              sum(LogVerdict.Figures::duplicated),
              sum(LogVerdict.Figures::chainBreaks),
              sum(LogVerdict.Figures::stateMismatches),
              sum(LogVerdict.Figures::undecryptable),
              sum(LogVerdict.Figures::ciphertexts),
              sum(LogVerdict.Figures::unresolved),
              sum(LogVerdict.Figures::pending),
              sum(LogVerdict.Figures::encryptions),
              sum(LogVerdict.Figures::encryptionsCounted),
              sum(LogVerdict.Figures::deksUndercounted),
              sum(LogVerdict.Figures::deks))
          + phases.stream()
              .map(
                  p ->
                      " "
                          + p.key()
                          + "_restart_to_ready=["
                          + Markdown.stats(p.restartSeconds())
                          + "]")
              .collect(java.util.stream.Collectors.joining());
    }
  }

  private static final String HOST = "127.0.0.1";
  private static final Duration READY = Duration.ofMinutes(3);
  private static final Duration USAGE_FLUSH = Duration.ofSeconds(5);
  private static final List<String> NODE_JVM = List.of("-Xmx768m", "-XX:+UseSerialGC");

  private final Options options;
  private final Random random;

  private FaultTrials(Options options) {
    this.options = options;
    this.random = new Random(options.seed());
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("FaultTrials: " + e.getMessage());
      System.exit(2);
      return;
    }
    Result result = run(options);
    for (Phase p : result.phases()) {
      System.out.println(describe(p));
      p.figures().problems().stream().limit(50).forEach(s -> System.out.println("  " + s));
    }
    System.out.println(result.summary());
    if (options.report() != null) {
      Files.writeString(options.report(), Markdown.of(options, result));
    }
    System.exit(result.clean() ? 0 : 1);
  }

  /** Runs both phases (a phase with 0 kills is skipped). */
  public static Result run(Options options) throws IOException, InterruptedException {
    FaultTrials trials = new FaultTrials(options);
    List<Phase> phases = new ArrayList<>();
    if (options.processKills() > 0) {
      phases.add(trials.processKills(options.work().resolve("process-kills")));
      System.err.println("[FaultTrials] " + describe(phases.get(phases.size() - 1)));
    }
    if (options.brokerKills() > 0) {
      phases.add(trials.brokerKills(options.work().resolve("broker-kills")));
      System.err.println("[FaultTrials] " + describe(phases.get(phases.size() - 1)));
    }
    return new Result(options.seed(), phases);
  }

  /** The mixed load on its client threads; tenant ids start with {@code prefix} and the seed. */
  private MixedLoad startLoad(
      NodeApi api, KmsClient kms, LocalKmsConfig kmsConfig, Ledger ledger, String prefix) {
    MixedLoad load =
        new MixedLoad(
            api,
            kms,
            kmsConfig.customerAccountId(),
            kmsConfig.platformPrincipalArn(),
            ledger,
            options.tenantsPerThread());
    load.start(
        options.threads(), prefix + Long.toString(options.seed() & 0xffff, 36), options.seed());
    return load;
  }

  private Phase processKills(Path dir) throws IOException, InterruptedException {
    Path data = dir.resolve("node");
    JwtKeys keys = JwtKeys.loadOrCreate(data);
    int http = Ports.free();
    int kafka = Ports.free();
    int kmsPort = Ports.free();
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.java());
    command.addAll(NODE_JVM);
    command.addAll(
        List.of(
            "-jar",
            options.jar().toAbsolutePath().toString(),
            "dev",
            "--data-dir",
            data.toAbsolutePath().toString(),
            "--host",
            HOST,
            "--http-port",
            Integer.toString(http),
            "--management-port",
            Integer.toString(Ports.free()),
            "--kafka-port",
            Integer.toString(kafka),
            "--kafka-controller-port",
            Integer.toString(Ports.free()),
            "--kms-port",
            Integer.toString(kmsPort),
            "--seal-retry",
            SEAL_RETRY.toSeconds() + "s"));
    NodeApi api = new NodeApi(HOST, http, keys);
    LocalKmsConfig kmsConfig = LocalKmsConfig.defaults();
    Ledger ledger = new Ledger();
    List<Double> restarts = new ArrayList<>();
    try (ChildProcess node =
            new ChildProcess(
                "dev node", command, java.util.Map.of(), dir.resolve("node.log"), api::healthy);
        KmsClient kms = customerKms(URI.create("http://" + HOST + ":" + kmsPort), kmsConfig)) {
      node.start(READY);
      MixedLoad load = startLoad(api, kms, kmsConfig, ledger, "pk");
      for (int i = 1; i <= options.processKills(); i++) {
        pause(options.minUptime(), options.maxUptime());
        node.kill();
        double seconds = node.start(READY);
        restarts.add(seconds);
        System.err.printf(
            Locale.ROOT,
            "[FaultTrials] process kill %d of %d: ready again in %.1f s%n",
            i,
            options.processKills(),
            seconds);
      }
      pause(3, 3);
      load.close();
      awaitUsageFlush();
      LogVerdict.Figures figures = new LogVerdict(api, HOST + ":" + kafka, ledger).judge();
      return new Phase(
          "process",
          "process kills (dev mode, kill -9)",
          options.processKills(),
          ledger.requests(),
          ledger.unanswered(),
          ledger.wrongPlaintexts(),
          restarts,
          List.of(),
          figures);
    }
  }

  private Phase brokerKills(Path dir) throws IOException, InterruptedException {
    Path data = dir.resolve("node");
    JwtKeys keys = JwtKeys.loadOrCreate(data);
    int http = Ports.free();
    LocalKmsConfig kmsConfig =
        LocalKmsConfig.defaults()
            .withPort(Ports.free())
            .withDataDir(dir.resolve("kms").toAbsolutePath());
    Ledger ledger = new Ledger();
    List<Double> restarts = new ArrayList<>();
    List<Double> catchUps = new ArrayList<>();
    try (LocalKms localKms = LocalKms.start(kmsConfig);
        BrokerCluster cluster = BrokerCluster.start(dir.resolve("kafka"), 3);
        KmsClient kms = customerKms(localKms.endpoint(), kmsConfig)) {
      List<String> command = new ArrayList<>();
      command.add(ChildProcess.java());
      command.addAll(NODE_JVM);
      command.addAll(
          List.of(
              "-jar",
              options.jar().toAbsolutePath().toString(),
              "serve",
              "--data-dir",
              data.toAbsolutePath().toString(),
              "--http-port",
              Integer.toString(http),
              "--set",
              "http.host=" + HOST,
              "--set",
              "management.port=" + Ports.free(),
              "--set",
              "kafka.bootstrap.servers=" + cluster.bootstrapServers(),
              "--set",
              "topic.replication.factor=3",
              "--set",
              "workers.seal.retry=" + SEAL_RETRY.toSeconds() + "s",
              "--set",
              "auth.mode=shared-secret",
              "--set",
              "kms.endpoint=" + localKms.endpoint(),
              "--set",
              "kms.platform.principal.arn=" + kmsConfig.platformPrincipalArn()));
      java.util.Map<String, String> env =
          java.util.Map.of(
              "AWS_ACCESS_KEY_ID", kmsConfig.platformAccessKeyId(),
              "AWS_SECRET_ACCESS_KEY", kmsConfig.platformSecretAccessKey(),
              "AWS_REGION", "us-east-1");
      NodeApi api = new NodeApi(HOST, http, keys);
      try (ChildProcess node =
          new ChildProcess("serve node", command, env, dir.resolve("node.log"), api::healthy)) {
        node.start(READY);
        MixedLoad load = startLoad(api, kms, kmsConfig, ledger, "bk");
        for (int i = 1; i <= options.brokerKills(); i++) {
          pause(options.minUptime(), options.maxUptime());
          int victim = random.nextInt(cluster.size());
          cluster.kill(victim);
          pause(1, 4);
          double seconds = cluster.restart(victim);
          double catchUp = cluster.awaitFullIsr(READY);
          restarts.add(seconds);
          catchUps.add(catchUp);
          System.err.printf(
              Locale.ROOT,
              "[FaultTrials] broker kill %d of %d (broker %d): listening again in %.1f s, ISRs full %.1f s later%n",
              i,
              options.brokerKills(),
              victim + 1,
              seconds,
              catchUp);
        }
        pause(3, 3);
        load.close();
        awaitUsageFlush();
        if (!node.alive()) {
          throw new IOException(
              "the serve node exited during the broker faults; see " + dir.resolve("node.log"));
        }
        LogVerdict.Figures figures =
            new LogVerdict(api, cluster.bootstrapServers(), ledger).judge();
        return new Phase(
            "broker",
            "broker kills (3 brokers, RF 3, minISR 2, SIGKILL)",
            options.brokerKills(),
            ledger.requests(),
            ledger.unanswered(),
            ledger.wrongPlaintexts(),
            restarts,
            catchUps,
            figures);
      }
    }
  }

  /**
   * Lets the node's usage flush (every 5 s) run twice after the last encryption, so that the folded
   * counts the verdict reads hold every encryption the node still has in memory.
   */
  private static void awaitUsageFlush() throws InterruptedException {
    Thread.sleep(USAGE_FLUSH.multipliedBy(2).plusSeconds(1).toMillis());
  }

  private void pause(double minSeconds, double maxSeconds) throws InterruptedException {
    double seconds = minSeconds + random.nextDouble() * (maxSeconds - minSeconds);
    // The random point of the load at which the next fault strikes.
    Thread.sleep((long) (seconds * 1000));
  }

  private static KmsClient customerKms(URI endpoint, LocalKmsConfig config) {
    return KmsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    config.customerAccessKeyId(), config.customerSecretAccessKey())))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  static String describe(Phase p) {
    LogVerdict.Figures f = p.figures();
    return String.format(
        Locale.ROOT,
        "%s: %d faults, %d requests (%d unanswered), %d commands acknowledged (%d answered 202,"
            + " %d unresolved), %d events; lost %d, duplicated %d, chain breaks %d, state != replay %d,"
            + " undecryptable %d of %d; encryptions %d, folded %d (%d of %d DEKs under); restart to"
            + " ready %s%s",
        p.name(),
        p.faults(),
        p.requests(),
        p.unanswered(),
        f.commands(),
        f.pending(),
        f.unresolved(),
        f.events(),
        f.lost(),
        f.duplicated(),
        f.chainBreaks(),
        f.stateMismatches(),
        f.undecryptable(),
        f.ciphertexts(),
        f.encryptions(),
        f.encryptionsCounted(),
        f.deksUndercounted(),
        f.deks(),
        Markdown.stats(p.restartSeconds()),
        p.catchUpSeconds().isEmpty()
            ? ""
            : ", ISRs full again " + Markdown.stats(p.catchUpSeconds()));
  }
}
