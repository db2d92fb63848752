package dev.keyledger.engine.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.KeyUnavailableException;
import dev.keyledger.engine.keys.TenantKeyring;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnwrapReporterTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private ByokWorld world;

  @BeforeEach
  void start() throws IOException {
    world = ByokWorld.start();
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void fiftyConcurrentFailuresOfOneTenantReportOnce() throws Exception {
    String tenant = world.activeTenant("acme");
    world.disableKey(tenant);
    UnwrapReporter reporter = new UnwrapReporter(world.engine, "node-1");
    TenantKeyring keyring = world.keyring(reporter);

    failConcurrently(keyring, world.engine.state(tenant), 50);
    reporter.close();

    assertThat(world.engine.payloads(tenant, ReportUnwrapFailed.class))
        .singleElement()
        .satisfies(
            report -> {
              assertThat(report.getFailure()).isEqualTo("disabled");
              assertThat(report.getTmkVersion()).isEqualTo(1);
              assertThat(report.getReporter()).isEqualTo("node-1");
            });
    assertThat(TenantStates.status(world.engine.state(tenant))).isEqualTo(BindingStatus.SEALED);
  }

  @Test
  void aSuccessInBetweenMakesTheNextFailureReportAgain() throws Exception {
    String tenant = world.activeTenant("acme");
    world.disableKey(tenant);
    UnwrapReporter reporter = new UnwrapReporter(world.engine, "node-1");
    TenantKeyring keyring = world.keyring(reporter);

    failConcurrently(keyring, world.engine.state(tenant), 50);
    assertThat(world.engine.awaitPayloads(tenant, ReportUnwrapFailed.class, 1, WAIT)).hasSize(1);
    world.enableKey(tenant);
    new SealWatcher(keyring, world.engine, world.engine, "node-1").runOnce();
    assertThat(TenantStates.status(world.engine.state(tenant))).isEqualTo(BindingStatus.ACTIVE);
    world.disableKey(tenant);
    failConcurrently(keyring, world.engine.state(tenant), 50);
    reporter.close();

    assertThat(world.engine.payloads(tenant, ReportUnwrapFailed.class)).hasSize(2);
    assertThat(world.engine.events(tenant, TenantSealed.class)).as("sealed again").hasSize(2);
  }

  @Test
  void throttlingIsNotReported() throws Exception {
    String tenant = world.activeTenant("acme");
    UnwrapReporter reporter = new UnwrapReporter(world.engine, "node-1");
    TenantKeyring keyring = world.keyring(reporter);
    world.localKms.faults().throttle();
    int before = world.engine.submitted().size();

    assertThatThrownBy(() -> keyring.verifyCmk(world.engine.state(tenant)))
        .isInstanceOf(KeyUnavailableException.class);
    reporter.close();

    assertThat(world.engine.submitted()).hasSize(before);
  }

  @Test
  void theThreadThatHitTheFailureDoesNotWaitForTheReport() throws Exception {
    String tenant = world.activeTenant("acme");
    world.disableKey(tenant);
    CountDownLatch release = new CountDownLatch(1);
    CommandSink slowSink =
        new CommandSink() {
          @Override
          public CommandOutcome submit(String tenantId, Object payload, List<KeyMaterial> material)
              throws CommandSinkException {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new CommandSinkException("interrupted", e);
            }
            return world.engine.submit(tenantId, payload, material);
          }
        };
    UnwrapReporter reporter = new UnwrapReporter(slowSink, "node-1");
    TenantKeyring keyring = world.keyring(reporter);
    TenantState state = world.engine.state(tenant);

    assertTimeoutPreemptively(
        WAIT,
        () ->
            assertThatThrownBy(() -> keyring.verifyCmk(state))
                .isInstanceOf(KeyUnavailableException.class));

    release.countDown();
    reporter.close();
    assertThat(world.engine.payloads(tenant, ReportUnwrapFailed.class)).hasSize(1);
  }

  /**
   * {@code threads} callers unwrap the tenant's TMK through the CMK at once; every one must fail.
   */
  private static void failConcurrently(TenantKeyring keyring, TenantState state, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Throwable>> calls = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        calls.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    keyring.verifyCmk(state);
                    return null;
                  } catch (KeyUnavailableException e) {
                    return e;
                  }
                }));
      }
      go.countDown();
      for (Future<Throwable> call : calls) {
        assertThat(call.get(WAIT.toSeconds(), TimeUnit.SECONDS))
            .isInstanceOf(KeyUnavailableException.class);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
