package dev.keyledger.application.runtime;

import dev.keyledger.application.Commands;
import dev.keyledger.application.CountedRefusals;
import dev.keyledger.application.QueryResult;
import dev.keyledger.application.Readiness;
import dev.keyledger.application.StateQueries;
import dev.keyledger.application.SystemCommands;
import dev.keyledger.application.TenantOwnership;
import dev.keyledger.application.UsageMeter;
import dev.keyledger.application.kafka.CommandGateway;
import dev.keyledger.application.kafka.KeyEventsListener;
import dev.keyledger.application.kafka.LocalTenantViews;
import dev.keyledger.application.kafka.StreamsOwnership;
import dev.keyledger.application.kafka.StreamsQueries;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.engine.crypto.PlatformKey;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.keys.AwaitedKeyMaterial;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.kms.AwsCustomerKms;
import dev.keyledger.engine.kms.CmkProbe;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.CmkValidator;
import dev.keyledger.engine.workers.RewrapWorker;
import dev.keyledger.engine.workers.SealWatcher;
import dev.keyledger.engine.workers.UnwrapReporter;
import dev.keyledger.engine.workers.WorkerScheduler;
import dev.keyledger.envelope.SecretBytes;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one instance: topics, the fold and projections ({@link StreamsRunner}), the command
 * gateway, the key ring and its listener, the usage flush and the workers; started in that order
 * and closed in reverse. The use cases are built on it by {@link UseCases}.
 *
 * <p>Every part records its metrics in the one registry given to {@link #start}: the Streams
 * client, KMS calls, the key cache, command round trips, the sealed-tenant gauge and the rewrap
 * counters. {@link #readiness} says part by part whether the instance can serve.
 */
public final class EngineRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EngineRuntime.class);

  /** Tenants whose decoded state the data plane keeps: about 2 KB each. */
  private static final long LOCAL_TENANT_VIEWS = 100_000;

  private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(60);

  /**
   * How long a key-material lookup that misses waits for the record: it is written with its
   * command, but its topic may become readable a little after the command's.
   */
  private static final Duration KEY_MATERIAL_WAIT = Duration.ofSeconds(2);

  /** Threads sending the reservations of next blocks (each waits for the fold). */
  private static final int RESERVATION_THREADS = 4;

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private StreamsRunner streams;
  private StreamsQueries queries;
  private StreamsOwnership ownership;
  private CommandGateway gateway;
  private KeyEventsListener keyEvents;
  private Commands commands;
  private AwsCustomerKms kms;
  private CmkProbe probe;
  private PlatformKeyWrapper platformKey;
  private TenantKeyring keyring;
  private UsageMeter usage;
  private CountedRefusals refusals;
  private EngineSettings settings;

  private EngineRuntime() {}

  /**
   * Starts every part; on failure closes what had started and rethrows.
   *
   * @param self this instance's {@code application.server}: the address its edge is reached at
   * @param metrics where every part registers its meters
   */
  public static EngineRuntime start(EngineSettings settings, HostInfo self, MeterRegistry metrics)
      throws Exception {
    EngineRuntime runtime = new EngineRuntime();
    try {
      runtime.run(settings, self, metrics);
      return runtime;
    } catch (Exception | Error e) {
      runtime.close();
      throw e;
    }
  }

  private void run(EngineSettings s, HostInfo self, MeterRegistry metrics) throws Exception {
    settings = s;
    Topics topics = new Topics(s.topicPrefix());
    try (Admin admin = Admin.create(new HashMap<>(s.kafka()))) {
      TopicsAdmin.ensure(admin, topics, s.topics(), TOPICS_TIMEOUT);
    }
    String instanceId = InstanceId.loadOrCreate(s.dataDir());
    SecretBytes platformSecret =
        s.platformKey().isPresent()
            ? copy(s.platformKey().get())
            : PlatformKey.loadOrCreate(s.dataDir());
    resources.push(platformSecret::destroy);
    platformKey = PlatformKeyWrapper.create(platformSecret);

    LocalTenantViews views = new LocalTenantViews(LOCAL_TENANT_VIEWS);
    // Read only once Streams runs (queries is set below), but told of arrivals from the start.
    AwaitedKeyMaterial material =
        new AwaitedKeyMaterial(
            key ->
                queries.keyMaterial(key) instanceof QueryResult.Found<KeyMaterial> found
                    ? Optional.of(found.value())
                    : Optional.empty(),
            KEY_MATERIAL_WAIT);
    streams = StreamsRunner.start(s, topics, self, instanceId, views, material::arrived, metrics);
    resources.push(streams);
    queries = new StreamsQueries(streams.streams(), self, views);
    ownership = new StreamsOwnership(streams.streams(), self);

    gateway = new CommandGateway(s.kafka(), topics, instanceId, metrics);
    resources.push(gateway);
    gateway.start();
    commands = new Commands(gateway, s.clock(), s.commandWait());
    SystemCommands system = new SystemCommands(commands);

    checkPlatformCredentials(s);
    kms = new AwsCustomerKms(s.kms(), metrics);
    resources.push(kms);
    SecureRandom random = new SecureRandom();
    probe =
        new CmkProbe(
            kms,
            () -> {
              byte[] bytes = new byte[32];
              random.nextBytes(bytes);
              return bytes;
            });

    UnwrapReporter unwrapReporter = new UnwrapReporter(system, instanceId);
    resources.push(unwrapReporter);
    keyring = new TenantKeyring(kms, platformKey, material, s.keyring(), s.clock(), unwrapReporter);
    keyring.bindTo(metrics);
    keyEvents = new KeyEventsListener(s.kafka(), topics, keyring);
    resources.push(keyEvents);

    ExecutorService reservations =
        Executors.newFixedThreadPool(
            RESERVATION_THREADS,
            r -> {
              Thread t = new Thread(r, "keyledger-usage-reservations");
              t.setDaemon(true);
              return t;
            });
    // A first block waits at most as long as any command; then the encryption answers 503.
    usage =
        new UsageMeter(s.clock(), instanceId, system, reservations, s.commandWait().plusSeconds(1));
    refusals = new CountedRefusals();
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "keyledger-scheduler");
              t.setDaemon(true);
              return t;
            });
    resources.push(
        () -> {
          scheduler.shutdown();
          scheduler.awaitTermination(5, TimeUnit.SECONDS);
          reservations.shutdown();
          reservations.awaitTermination(5, TimeUnit.SECONDS);
          usage.returnUnused();
          refusals.flush(system);
        });
    scheduler.scheduleWithFixedDelay(
        logged("usage flush", usage::flush),
        s.usageFlush().toMillis(),
        s.usageFlush().toMillis(),
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        logged("key cache sweep", keyring::evictExpired), 30, 30, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(
        logged("counted refusals audit", () -> refusals.flush(system)), 60, 60, TimeUnit.SECONDS);

    // Everything above started while Streams joined its group and restored its stores.
    streams.awaitRunning(s, metrics);
    SealWatcher sealWatcher = new SealWatcher(keyring, queries, system, instanceId);
    sealWatcher.bindTo(metrics);
    WorkerScheduler workers =
        new WorkerScheduler(
            s.workers(),
            sealWatcher,
            new CmkValidator(probe, queries, system, instanceId),
            new RewrapWorker(keyring, queries, system, s.workers().rewrapBatch(), metrics));
    resources.push(workers);
    workers.start();
  }

  /** A copy the engine may destroy on close without touching the settings' key. */
  private static SecretBytes copy(SecretBytes key) {
    byte[] bytes = key.toByteArray();
    try {
      return SecretBytes.copyOf(bytes);
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Every KMS call needs the platform's own credentials (also to assume customer roles): say so at
   * start.
   */
  private static void checkPlatformCredentials(EngineSettings s) {
    try {
      s.kms().platformCredentials().resolveCredentials();
    } catch (RuntimeException e) {
      LOG.error(
          "NoCredentialProviders: the platform has no AWS credentials ({}); every key registration and unwrap will fail"
              + " until credentials are configured (environment, profile, or instance role of {})",
          e.getMessage(),
          s.kms().platformPrincipalArn());
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

  /**
   * Whether this instance can serve now: {@code streams} (the client is RUNNING), {@code stores}
   * (every queried store answers locally), {@code command_producer} (the gateway's transactional
   * producer writes), {@code outcome_reader} (the outcomes topic is followed, so a submit learns
   * its outcome) and {@code key_events} (the event log is followed, so erasures reach the key
   * cache). Cheap enough for a probe every second.
   */
  public Readiness readiness() {
    Map<String, Readiness.Part> parts = new LinkedHashMap<>();
    parts.put("streams", streams.state());
    parts.put("stores", queries.storesState());
    parts.put("command_producer", gateway.producerState());
    parts.put("outcome_reader", gateway.outcomeReaderState());
    parts.put("key_events", keyEvents.state());
    return new Readiness(parts);
  }

  /** Registers something to close with the engine, before the parts started so far. */
  public void closeWithEngine(AutoCloseable resource) {
    resources.push(resource);
  }

  /** Which instance owns a tenant: the edge forwards tenant-scoped requests there. */
  public TenantOwnership ownership() {
    return ownership;
  }

  EngineSettings settings() {
    return settings;
  }

  StateQueries queries() {
    return queries;
  }

  Commands commands() {
    return commands;
  }

  AwsCustomerKms kms() {
    return kms;
  }

  CmkProbe probe() {
    return probe;
  }

  PlatformKeyWrapper platformKey() {
    return platformKey;
  }

  TenantKeyring keyring() {
    return keyring;
  }

  UsageMeter usage() {
    return usage;
  }

  CountedRefusals refusals() {
    return refusals;
  }

  /** Blocks until the stream threads fail (the caller then exits non-zero). */
  public void awaitFailure() throws InterruptedException {
    streams.awaitFailure();
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
}
