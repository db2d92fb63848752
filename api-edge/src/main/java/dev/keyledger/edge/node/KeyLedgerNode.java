package dev.keyledger.edge.node;

import dev.keyledger.edge.KeyLedgerApp;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.edge.api.AgentController;
import dev.keyledger.edge.api.DataPlaneController;
import dev.keyledger.edge.api.RotationController;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.service.DataPlane;
import dev.keyledger.edge.service.DekAutoRotation;
import dev.keyledger.edge.service.KeyEventsListener;
import dev.keyledger.edge.service.KeyRotations;
import dev.keyledger.edge.service.SystemCommands;
import dev.keyledger.edge.service.UsageMeter;
import dev.keyledger.engine.keys.KeyMint;
import dev.keyledger.engine.keys.KeyStateSource;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.workers.CmkValidator;
import dev.keyledger.engine.workers.RewrapWorker;
import dev.keyledger.engine.workers.SealWatcher;
import dev.keyledger.engine.workers.UnwrapReporter;
import dev.keyledger.engine.workers.WorkerScheduler;
import dev.keyledger.projections.query.QueryResult;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.keyledger.edge.api.AuditController;
import dev.keyledger.edge.api.ByokKeysController;
import dev.keyledger.edge.api.CommandsController;
import dev.keyledger.edge.api.Guard;
import dev.keyledger.edge.api.TenantKmsController;
import dev.keyledger.edge.api.WaiverController;
import dev.keyledger.edge.auth.AccessControl;
import dev.keyledger.edge.auth.HmacTokenVerifier;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.StepUpVerifier;
import dev.keyledger.edge.auth.TokenVerifier;
import dev.keyledger.edge.gateway.CommandGateway;
import dev.keyledger.edge.ratelimit.RateLimiter;
import dev.keyledger.edge.service.CommandFactory;
import dev.keyledger.edge.service.CommandRunner;
import dev.keyledger.edge.service.KeyOnboarding;
import dev.keyledger.edge.service.TenantReader;
import dev.keyledger.engine.crypto.PlatformKey;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.crypto.SecretBytes;
import dev.keyledger.engine.kms.AwsCustomerKms;
import dev.keyledger.engine.kms.CmkProbe;
import dev.keyledger.engine.topology.LifecycleTopology;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.projections.ProjectionsTopology;
import dev.keyledger.projections.query.KeyLedgerQueries;
import io.javalin.Javalin;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running KeyLedger instance: the fold and projections (Kafka Streams), the command gateway and
 * the HTTP edge, wired in that order and closed in reverse. {@code main} code only builds settings
 * and calls {@link #start}.
 */
public final class KeyLedgerNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KeyLedgerNode.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final CountDownLatch failed = new CountDownLatch(1);
  private KafkaStreams streams;
  private Javalin http;

  private KeyLedgerNode() {}

  /** Starts every part; on failure closes what had started and rethrows. */
  public static KeyLedgerNode start(NodeSettings settings) throws Exception {
    KeyLedgerNode node = new KeyLedgerNode();
    try {
      node.run(settings);
      return node;
    } catch (Exception | Error e) {
      node.close();
      throw e;
    }
  }

  private void run(NodeSettings s) throws Exception {
    Topics topics = new Topics(s.topicPrefix());
    try (Admin admin = Admin.create(new HashMap<>(s.kafka()))) {
      TopicsAdmin.ensure(admin, topics, s.topics(), Duration.ofSeconds(60));
    }
    String instanceId = InstanceId.loadOrCreate(s.dataDir());
    Clock clock = s.clock();

    JwtKeys jwtKeys = JwtKeys.loadOrCreate(s.dataDir());
    SecretBytes platformSecret = PlatformKey.loadOrCreate(s.dataDir());
    resources.push(platformSecret::destroy);

    // application.server must name the port clients reach, so an ephemeral port is chosen before Streams starts.
    int httpPort = s.httpPort() == 0 ? freePort(s.httpHost()) : s.httpPort();
    HostInfo self = new HostInfo(s.httpHost(), httpPort);
    Properties streamsProps = streamsProperties(s, self, instanceId);
    StreamsBuilder builder = new StreamsBuilder();
    LifecycleTopology.build(builder, topics);
    ProjectionsTopology.build(builder, topics);
    Topology topology = builder.build(streamsProps);
    LOG.info("topology:\n{}", topology.describe());

    streams = new KafkaStreams(topology, streamsProps);
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed; shutting this instance down", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      LOG.info("streams {} -> {}", before, now);
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
        failed.countDown();
      }
    });
    KafkaStreams started = streams;
    resources.push(() -> started.close(Duration.ofSeconds(30)));
    streams.start();
    if (!running.await(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + STARTUP_TIMEOUT.toSeconds() + " s (state "
          + streams.state() + "); is Kafka reachable at " + s.kafka().get("bootstrap.servers") + "?");
    }

    CommandGateway gateway = new CommandGateway(s.kafka(), topics, instanceId);
    resources.push(gateway);
    gateway.start();

    checkPlatformCredentials(s);
    AwsCustomerKms kms = new AwsCustomerKms(s.kms());
    resources.push(kms);
    SecureRandom random = new SecureRandom();
    CmkProbe probe = new CmkProbe(kms, () -> {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      return bytes;
    });

    TokenVerifier tokens = HmacTokenVerifier.forDev(jwtKeys, clock);
    Guard guard = new Guard(new AccessControl(tokens, new StepUpVerifier(tokens, clock)), new RateLimiter(s.rateLimits()));
    KeyLedgerQueries queries = new KeyLedgerQueries(streams, self);
    TenantReader reader = new TenantReader(queries);
    CommandFactory commands = new CommandFactory(clock);
    CommandRunner runner = new CommandRunner(gateway, s.commandWait());
    PlatformKeyWrapper platformKey = PlatformKeyWrapper.create(platformSecret);
    KeyMint mint = new KeyMint(kms, platformKey);
    SystemCommands system = new SystemCommands(gateway, commands, s.commandWait());

    KeyStateSource material = key -> queries.keyMaterial(key) instanceof QueryResult.Found<KeyMaterial> found
        ? Optional.of(found.value()) : Optional.empty();
    UnwrapReporter unwrapReporter = new UnwrapReporter(system, instanceId);
    resources.push(unwrapReporter);
    TenantKeyring keyring = new TenantKeyring(kms, platformKey, material, s.keyring(), clock, unwrapReporter);
    KeyEventsListener keyEvents = new KeyEventsListener(s.kafka(), topics, keyring);
    resources.push(keyEvents);
    KeyRotations rotations = new KeyRotations(reader, keyring, mint, commands, runner);
    DekAutoRotation autoRotation = new DekAutoRotation(rotations);
    resources.push(autoRotation);
    UsageMeter usage = new UsageMeter(clock, instanceId);
    DataPlane dataPlane = new DataPlane(reader, keyring, usage, autoRotation::request, clock);
    KeyOnboarding onboarding = new KeyOnboarding(kms, mint, probe, platformKey, commands, runner, reader);

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "keyledger-scheduler");
      t.setDaemon(true);
      return t;
    });
    resources.push(() -> {
      scheduler.shutdown();
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      usage.flush(system);
    });
    scheduler.scheduleWithFixedDelay(logged("usage flush", () -> usage.flush(system)),
        s.usageFlush().toMillis(), s.usageFlush().toMillis(), TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(logged("key cache sweep", keyring::evictExpired), 30, 30, TimeUnit.SECONDS);
    WorkerScheduler workers = new WorkerScheduler(s.workers(), new SealWatcher(keyring, queries::forEachLocalTenant, system, instanceId),
        new CmkValidator(probe, queries::forEachLocalTenant, system, instanceId),
        new RewrapWorker(keyring, queries::forEachLocalTenant, system, s.workers().rewrapBatch()));
    resources.push(workers);
    workers.start();

    http = KeyLedgerApp.create(new KeyLedgerApp.Controllers(
        new ByokKeysController(guard, onboarding, reader, clock),
        new WaiverController(guard, reader, commands, runner),
        new AuditController(guard, queries),
        new CommandsController(guard, queries),
        new TenantKmsController(guard, onboarding, reader),
        new DataPlaneController(guard, dataPlane),
        new RotationController(guard, rotations),
        new AgentController(guard, reader, new TokenIssuer(jwtKeys, clock), clock)), s.httpHost(), httpPort);
    Javalin app = http;
    resources.push(app::stop);
    app.start();
  }

  /** Every KMS call needs the platform's own credentials (also to assume customer roles): say so at start. */
  private static void checkPlatformCredentials(NodeSettings s) {
    try {
      s.kms().platformCredentials().resolveCredentials();
    } catch (RuntimeException e) {
      LOG.error("NoCredentialProviders: the platform has no AWS credentials ({}); every key registration and unwrap will fail"
          + " until credentials are configured (environment, profile, or instance role of {})", e.getMessage(), s.kms().platformPrincipalArn());
    }
  }

  /** A scheduled task whose failure is logged and does not cancel its schedule. */
  private static Runnable logged(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("{} failed; retrying on schedule", what, e);
      }
    };
  }

  private static Properties streamsProperties(NodeSettings s, HostInfo self, String instanceId) {
    Properties props = new Properties();
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.putAll(s.kafka()); // Kafka settings given by the operator override the defaults above
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
    props.put(StreamsConfig.STATE_DIR_CONFIG, s.dataDir().resolve("streams").toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) s.topics().replicationFactor());
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
    // Static membership: a restarted instance (even after kill -9) takes its own place in the group at
    // once instead of waiting for the broker to time the old member out.
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "keyledger-" + instanceId);
    return props;
  }

  /** The port the HTTP edge listens on. */
  public int httpPort() {
    return http.port();
  }

  /** Blocks until the stream threads fail (the caller then exits non-zero). */
  public void awaitFailure() throws InterruptedException {
    failed.await();
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        LOG.warn("while shutting down: {}", e.toString());
      }
    }
  }

  private static int freePort(String host) throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }
}
