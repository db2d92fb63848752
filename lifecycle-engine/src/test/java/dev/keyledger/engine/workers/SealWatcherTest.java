package dev.keyledger.engine.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.avro.event.TenantUnsealed;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.UnwrapListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SealWatcherTest {

  private ByokWorld world;
  private SealWatcher watcher;

  @BeforeEach
  void start() throws IOException {
    world = ByokWorld.start();
    watcher =
        new SealWatcher(world.keyring(UnwrapListener.NONE), world.engine, world.engine, "node-1");
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aSealedTenantStaysSealedWithoutCommandsUntilItsKeyIsUsableAgainThenUnsealsItself()
      throws Exception {
    String tenant = world.activeTenant("acme");
    world.disableKey(tenant);
    world.seal(tenant);
    int before = world.engine.submitted().size();

    watcher.runOnce();
    watcher.runOnce();

    assertThat(TenantStates.status(world.engine.state(tenant))).isEqualTo(BindingStatus.SEALED);
    assertThat(world.engine.submitted()).as("a failed retry submits nothing").hasSize(before);

    world.enableKey(tenant);
    watcher.runOnce();

    assertThat(world.engine.payloads(tenant, ReportUnwrapSucceeded.class))
        .singleElement()
        .satisfies(
            report -> {
              assertThat(report.getTmkVersion()).isEqualTo(1);
              assertThat(report.getReporter()).isEqualTo("node-1");
              assertThat(report.getManual()).isFalse();
            });
    assertThat(world.engine.events(tenant, TenantUnsealed.class)).hasSize(1);
    assertThat(TenantStates.status(world.engine.state(tenant))).isEqualTo(BindingStatus.ACTIVE);
    assertThat(world.engine.state(tenant).getBinding().getSealedSince()).isNull();
  }

  @Test
  void aTenantWhoseKeyStillFailsDoesNotStopTheOthersFromUnsealing() throws Exception {
    String stillCut = world.activeTenant("cut");
    String restored = world.activeTenant("restored");
    world.disableKey(stillCut);
    world.disableKey(restored);
    world.seal(stillCut);
    world.seal(restored);
    world.enableKey(restored);

    watcher.runOnce();

    assertThat(TenantStates.status(world.engine.state(stillCut))).isEqualTo(BindingStatus.SEALED);
    assertThat(TenantStates.status(world.engine.state(restored))).isEqualTo(BindingStatus.ACTIVE);
  }

  @Test
  void theSealedGaugeCountsTheTenantsSealedAtTheLastRound() throws Exception {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    watcher.bindTo(metrics);
    world.activeTenant("fine");
    String stillCut = world.activeTenant("cut");
    String restored = world.activeTenant("restored");
    world.disableKey(stillCut);
    world.disableKey(restored);
    world.seal(stillCut);
    world.seal(restored);
    world.enableKey(restored);
    assertThat(metrics.get(SealWatcher.SEALED).gauge().value()).as("no round yet").isZero();

    watcher.runOnce();
    assertThat(metrics.get(SealWatcher.SEALED).gauge().value())
        .as("both were sealed when the round saw them")
        .isEqualTo(2);

    watcher.runOnce();
    assertThat(metrics.get(SealWatcher.SEALED).gauge().value()).isEqualTo(1);
  }

  @Test
  void activeTenantsAreLeftAlone() throws Exception {
    String tenant = world.activeTenant("acme");
    int before = world.engine.submitted().size();

    watcher.runOnce();

    assertThat(world.engine.submitted()).hasSize(before);
  }
}
