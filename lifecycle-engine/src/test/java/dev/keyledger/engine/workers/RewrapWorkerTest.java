package dev.keyledger.engine.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.RecordRewrapBatch;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.event.RewrapCompleted;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.crypto.KeyFingerprint;
import dev.keyledger.engine.crypto.Keys;
import dev.keyledger.engine.domain.Decider;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.keys.TmkContext;
import dev.keyledger.engine.keys.UnwrapListener;
import dev.keyledger.engine.testing.CustomerAccount;
import dev.keyledger.engine.testing.InMemoryEngine;
import dev.keyledger.envelope.SecretBytes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RewrapWorkerTest {

  private ByokWorld world;
  private TenantKeyring keyring;
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  @BeforeEach
  void start() throws IOException {
    world = ByokWorld.start();
    keyring = world.keyring(UnwrapListener.NONE);
  }

  @AfterEach
  void stop() {
    world.close();
  }

  private RewrapWorker worker(TenantKeyring ring, int batchSize) {
    return new RewrapWorker(ring, world.engine, world.engine, batchSize, metrics);
  }

  @Test
  void aMasterRotationMovesEveryDekUnderTheNewTmkInBatchesAndCompletesTheLease() throws Exception {
    String tenant = world.activeTenant("acme");
    world.addDeks(tenant, 250);
    assertThat(world.deksWithTheirOriginalBytes(keyring, tenant)).isEqualTo(250);
    long lease = world.rotateMaster(tenant);
    RewrapWorker worker = worker(keyring, RewrapWorker.DEFAULT_BATCH_SIZE);

    worker.runOnce();
    worker.runOnce();
    worker.runOnce();

    List<RecordRewrapBatch> batches = world.engine.payloads(tenant, RecordRewrapBatch.class);
    assertThat(batches).extracting(b -> b.getDeks().size()).containsExactly(100, 100, 50);
    assertThat(batches).allSatisfy(b -> assertThat(b.getLeaseId()).isEqualTo(lease));
    assertThat(metrics.counter(RewrapWorker.BATCHES).count()).isEqualTo(3);
    assertThat(metrics.counter(RewrapWorker.DEKS).count()).isEqualTo(250);
    assertThat(versions(batches.get(0)))
        .as("ascending DEK version order")
        .isEqualTo(IntStream.rangeClosed(1, 100).boxed().toList());
    assertThat(world.engine.events(tenant, RewrapCompleted.class))
        .singleElement()
        .satisfies(done -> assertThat(done.getToTmkVersion()).isEqualTo(2));
    TenantState state = world.engine.state(tenant);
    assertThat(state.getRewrap()).isNull();
    assertThat(world.engine.deks(tenant))
        .hasSize(250)
        .allSatisfy(d -> assertThat(d.getDek().getTmkVersion()).isEqualTo(2));
    assertThat(world.engine.material(MaterialKeys.dek(tenant, "dek-1", 1)))
        .as("the copy under TMK v1 is erased")
        .isEmpty();

    keyring.purge(tenant);
    assertThat(world.deksWithTheirOriginalBytes(keyring, tenant))
        .as("every DEK unwraps under v2 to its bytes")
        .isEqualTo(250);

    int submitted = world.engine.submitted().size();
    worker.runOnce();
    assertThat(world.engine.submitted()).as("nothing left to do").hasSize(submitted);
  }

  @Test
  void aNewWorkerResumesWhereTheStateSaysAfterACrash() throws Exception {
    String tenant = world.activeTenant("acme");
    world.addDeks(tenant, 25);
    world.rotateMaster(tenant);
    worker(keyring, 10).runOnce();

    RewrapWorker restarted = worker(world.keyring(UnwrapListener.NONE), 10);
    restarted.runOnce();
    restarted.runOnce();

    List<RecordRewrapBatch> batches = world.engine.payloads(tenant, RecordRewrapBatch.class);
    assertThat(batches)
        .extracting(RewrapWorkerTest::versions)
        .containsExactly(
            IntStream.rangeClosed(1, 10).boxed().toList(),
            IntStream.rangeClosed(11, 20).boxed().toList(),
            IntStream.rangeClosed(21, 25).boxed().toList());
    assertThat(world.engine.state(tenant).getRewrap()).isNull();
    assertThat(world.deksWithTheirOriginalBytes(world.keyring(UnwrapListener.NONE), tenant))
        .isEqualTo(25);
  }

  @Test
  void aBatchOfASupersededLeaseIsRefusedAndTheNextRoundFollowsTheNewLease() throws Exception {
    String tenant = world.activeTenant("acme");
    world.addDeks(tenant, 25);
    long first = world.rotateMaster(tenant);
    RewrapWorker worker = worker(keyring, 10);
    worker.runOnce();
    ByokWorld.Prepared secondRotation = world.masterRotation(tenant);
    world.engine.beforeNextSubmit(tenant, secondRotation.payload(), secondRotation.material());

    assertThatCode(worker::runOnce).doesNotThrowAnyException();

    InMemoryEngine.Submitted refused =
        world.engine.submitted().get(world.engine.submitted().size() - 1);
    assertThat(refused.outcome().getAccepted()).isFalse();
    assertThat(refused.outcome().getRefusal().getType()).isEqualTo("lease_superseded");
    assertThat(metrics.counter(RewrapWorker.DEKS).count())
        .as("only the accepted first batch is counted")
        .isEqualTo(10);
    assertThat(world.engine.material(MaterialKeys.dek(tenant, "dek-11", 2)))
        .as("the refused batch's material is erased")
        .isEmpty();
    long second = world.engine.state(tenant).getRewrap().getLeaseId();
    assertThat(second).isNotEqualTo(first);

    worker.runOnce();
    worker.runOnce();
    worker.runOnce();

    TenantState state = world.engine.state(tenant);
    assertThat(state.getRewrap()).isNull();
    assertThat(world.engine.deks(tenant))
        .isNotEmpty()
        .allSatisfy(d -> assertThat(d.getDek().getTmkVersion()).isEqualTo(3));
    assertThat(world.engine.payloads(tenant, RecordRewrapBatch.class))
        .extracting(RecordRewrapBatch::getLeaseId)
        .containsExactly(first, first, second, second, second);
    keyring.purge(tenant);
    assertThat(world.deksWithTheirOriginalBytes(keyring, tenant)).isEqualTo(25);
  }

  @Test
  void aSealedTenantIsNotRewrappedAndAKeyTheCmkRefusesStopsTheBatch() throws Exception {
    String tenant = world.activeTenant("acme");
    world.addDeks(tenant, 5);
    world.rotateMaster(tenant);
    TenantKeyring fresh = world.keyring(UnwrapListener.NONE);
    world.disableKey(tenant);

    worker(fresh, 10).runOnce();

    assertThat(world.engine.payloads(tenant, RecordRewrapBatch.class))
        .as("nothing unwraps: nothing submitted")
        .isEmpty();
    world.seal(tenant);
    world.enableKey(tenant);
    worker(fresh, 10).runOnce();
    assertThat(world.engine.payloads(tenant, RecordRewrapBatch.class))
        .as("sealed: not rewrapped")
        .isEmpty();
    assertThat(world.engine.deks(tenant))
        .extracting(DekState::getDek)
        .extracting(DekRef::getTmkVersion)
        .containsOnly(1);
  }

  private static List<Integer> versions(RecordRewrapBatch batch) {
    return batch.getDeks().stream().map(DekRef::getVersion).toList();
  }

  @Test
  void afterAMoveToAnotherCmkTheOlderTmkIsUnwrappedWithItsOwnCmkAndTheRewrapCompletes()
      throws Exception {
    try (ByokWorld world = ByokWorld.start()) {
      String tenant = world.activeTenant("acme");
      world.addDeks(tenant, 3);
      String other = world.customer.keyGrantingPlatform();
      CmkBinding cmk =
          CmkBinding.newBuilder()
              .setProvider("aws")
              .setKeyRef(other)
              .setKeyArn(other)
              .setRegion(CustomerAccount.REGION)
              .build();
      SecretBytes tmk = Keys.newAes256();
      byte[] wrapped =
          world.kms.encrypt(
              TmkContext.refOf(cmk), TmkContext.encryptionContext(tenant, 2), tmk.toByteArray());
      tmk.destroy();
      TmkRef ref =
          TmkRef.newBuilder()
              .setTmkId("tmk-2")
              .setVersion(2)
              .setWrapMethod("customer_kms")
              .setFingerprint(KeyFingerprint.of(wrapped))
              .setCmkKeyArn(other)
              .build();
      CommandOutcome onboarded =
          world.engine.submit(
              tenant,
              RegisterKey.newBuilder()
                  .setDialect(Decider.DIALECT_TENANT_KMS)
                  .setKeyId("kms_other")
                  .setCmk(cmk)
                  .setTmk(ref)
                  .setProbeEncryptMs(1)
                  .setProbeDecryptMs(1)
                  .build(),
              List.of(
                  KeyMaterial.newBuilder()
                      .setTenantId(tenant)
                      .setTmk(ref)
                      .setWrappedKey(ByteBuffer.wrap(wrapped))
                      .build()));
      assertThat(onboarded.getAccepted()).isTrue();

      new RewrapWorker(world.keyring(UnwrapListener.NONE), world.engine, world.engine, 100, metrics)
          .runOnce();

      assertThat(world.engine.payloads(tenant, RecordRewrapBatch.class)).hasSize(1);
      assertThat(world.engine.state(tenant).getRewrap()).as("the rewrap completed").isNull();
      assertThat(world.engine.deks(tenant))
          .isNotEmpty()
          .allMatch(d -> d.getDek().getTmkVersion() == 2);
    }
  }
}
