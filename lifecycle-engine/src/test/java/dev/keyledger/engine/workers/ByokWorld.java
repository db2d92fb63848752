package dev.keyledger.engine.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.AcknowledgeWaiver;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.crypto.KeyFingerprint;
import dev.keyledger.engine.crypto.Keys;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.domain.Decider;
import dev.keyledger.engine.domain.DekStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.keys.TmkContext;
import dev.keyledger.engine.keys.UnwrapListener;
import dev.keyledger.engine.keys.WrappedKey;
import dev.keyledger.engine.kms.AwsCustomerKms;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.kms.CmkProbe;
import dev.keyledger.engine.testing.CustomerAccount;
import dev.keyledger.engine.testing.InMemoryEngine;
import dev.keyledger.envelope.SecretBytes;
import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * BYOK tenants made of real parts for worker tests: local-kms driven by the AWS SDK, the customer's
 * account ({@link CustomerAccount}), TMKs wrapped by the customer's CMK and DEKs wrapped by a real
 * {@link TenantKeyring}, and every state change folded by an {@link InMemoryEngine}. Keeps the
 * plaintext of every DEK it generates, so tests can check that a key still unwraps to its bytes.
 */
final class ByokWorld implements AutoCloseable {

  /** A command prepared now and submitted later (for example by another writer). */
  record Prepared(Object payload, List<KeyMaterial> material) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  final LocalKms localKms;
  final CustomerAccount customer;
  final AwsCustomerKms kms;
  final CmkProbe probe;
  final InMemoryEngine engine = new InMemoryEngine();
  private final PlatformKeyWrapper platformKey = PlatformKeyWrapper.create(Keys.newAes256());
  private final TenantKeyring setupKeyring;

  /** Generated DEK plaintexts by tenant/dek id, owned by the test. */
  private final Map<String, SecretBytes> generated = new ConcurrentHashMap<>();

  private ByokWorld() throws IOException {
    localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    customer = new CustomerAccount(localKms.endpoint());
    kms =
        new AwsCustomerKms(
            AwsKmsSettings.defaults()
                .withEndpointOverride(localKms.endpoint())
                .withPlatformCredentials(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("keyledger-dev", "keyledger-dev-secret")),
                    CustomerAccount.PLATFORM_PRINCIPAL)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(6), 3));
    probe =
        new CmkProbe(
            kms,
            () -> {
              byte[] bytes = new byte[32];
              RANDOM.nextBytes(bytes);
              return bytes;
            });
    setupKeyring = keyring(UnwrapListener.NONE);
  }

  static ByokWorld start() throws IOException {
    return new ByokWorld();
  }

  /**
   * A key ring over this world's key material, with empty caches, as a freshly started instance
   * has.
   */
  TenantKeyring keyring(UnwrapListener listener) {
    return new TenantKeyring(
        kms, platformKey, engine, KeyringSettings.defaults(), Clock.systemUTC(), listener);
  }

  static String tenant(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Seed 000: a tenant whose key policy grants the platform principal, registered and active with
   * TMK v1.
   */
  String activeTenant(String prefix) throws Exception {
    String keyArn = customer.keyGrantingPlatform();
    return activate(
        prefix,
        CmkBinding.newBuilder()
            .setProvider("aws")
            .setKeyRef(keyArn)
            .setKeyArn(keyArn)
            .setRegion(CustomerAccount.REGION)
            .build());
  }

  /**
   * Seed 001: a tenant reaching its key through a role in the customer's account, registered and
   * active.
   */
  String activeTenantWithRole(String prefix, String roleArn, String externalId, String keyArn)
      throws Exception {
    return activate(
        prefix,
        CmkBinding.newBuilder()
            .setProvider("aws")
            .setKeyRef(keyArn)
            .setKeyArn(keyArn)
            .setRegion(CustomerAccount.REGION)
            .setRoleArn(roleArn)
            .setExternalId(externalId)
            .build());
  }

  /** Registered, waiver not acknowledged. */
  String pendingTenant(String prefix) throws Exception {
    String keyArn = customer.keyGrantingPlatform();
    String tenant = tenant(prefix);
    register(
        tenant,
        CmkBinding.newBuilder()
            .setProvider("aws")
            .setKeyRef(keyArn)
            .setKeyArn(keyArn)
            .setRegion(CustomerAccount.REGION)
            .build());
    return tenant;
  }

  private String activate(String prefix, CmkBinding cmk) throws Exception {
    String tenant = tenant(prefix);
    register(tenant, cmk);
    accepted(
        engine.submit(
            tenant,
            AcknowledgeWaiver.newBuilder()
                .setWaiverVersion("1.0")
                .setAcknowledgedBy("alice@example.com")
                .setAcknowledgedTerms(List.of())
                .build(),
            List.of()));
    return tenant;
  }

  private void register(String tenant, CmkBinding cmk) throws Exception {
    KeyMaterial tmk = newTmk(tenant, cmk, 1);
    accepted(
        engine.submit(
            tenant,
            RegisterKey.newBuilder()
                .setDialect(Decider.DIALECT_BYOK)
                .setKeyId("byok_" + tenant)
                .setCmk(cmk)
                .setTmk(tmk.getTmk())
                .setProbeEncryptMs(5)
                .setProbeDecryptMs(4)
                .build(),
            List.of(tmk)));
  }

  /**
   * Adds {@code count} DEK versions, each wrapped by the active TMK and kept in plaintext for the
   * test.
   */
  void addDeks(String tenant, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      TenantState state = engine.state(tenant);
      TmkVersionState tmk = TenantStates.activeTmk(state).orElseThrow();
      int version = TenantStates.nextDekVersion(state);
      String dekId = "dek-" + version;
      SecretBytes dek = Keys.newAes256();
      WrappedKey wrapped = setupKeyring.wrapDek(state, tmk, dek, dekId, version);
      DekRef ref =
          DekRef.newBuilder()
              .setDekId(dekId)
              .setVersion(version)
              .setTmkVersion(tmk.getTmk().getVersion())
              .setFingerprint(wrapped.fingerprint())
              .build();
      KeyMaterial material =
          KeyMaterial.newBuilder()
              .setTenantId(tenant)
              .setTmk(tmk.getTmk())
              .setDek(ref)
              .setWrappedKey(ByteBuffer.wrap(wrapped.bytes()))
              .build();
      accepted(
          engine.submit(
              tenant,
              RotateDek.newBuilder().setDek(ref).setReason("test").setAutomatic(false).build(),
              List.of(material)));
      generated.put(tenant + "/" + dekId, dek);
    }
  }

  /** A master rotation to the next TMK version, wrapped by the tenant's CMK, not yet submitted. */
  Prepared masterRotation(String tenant) throws Exception {
    TenantState state = engine.state(tenant);
    KeyMaterial tmk =
        newTmk(tenant, state.getBinding().getCmk(), TenantStates.nextTmkVersion(state));
    return new Prepared(
        RotateMaster.newBuilder().setTmk(tmk.getTmk()).setReason("test").build(), List.of(tmk));
  }

  /** Rotates the master key; returns the new rewrap lease id. */
  long rotateMaster(String tenant) throws Exception {
    Prepared rotation = masterRotation(tenant);
    accepted(engine.submit(tenant, rotation.payload(), rotation.material()));
    return engine.state(tenant).getRewrap().getLeaseId();
  }

  /** Seals the tenant as the data plane would after a failed unwrap. */
  void seal(String tenant) {
    accepted(
        engine.submit(
            tenant,
            ReportUnwrapFailed.newBuilder()
                .setTmkVersion(1)
                .setFailure("disabled")
                .setMessage("Cannot access CMK: key is disabled")
                .setReporter("data-plane")
                .build(),
            List.of()));
  }

  String keyArn(String tenant) {
    return engine.state(tenant).getBinding().getCmk().getKeyArn();
  }

  void disableKey(String tenant) {
    customer.kms.disableKey(r -> r.keyId(keyArn(tenant)));
  }

  void enableKey(String tenant) {
    customer.kms.enableKey(r -> r.keyId(keyArn(tenant)));
  }

  /**
   * How many live DEKs of the tenant unwrap, through {@code keyring}, to exactly the bytes
   * generated for them.
   */
  long deksWithTheirOriginalBytes(TenantKeyring keyring, String tenant) throws Exception {
    TenantState state = engine.state(tenant);
    long same = 0;
    for (DekState dek : engine.deks(tenant)) {
      if (DekStatus.LOST.equals(dek.getStatus())) {
        continue;
      }
      SecretBytes original = generated.get(tenant + "/" + dek.getDek().getDekId());
      if (keyring.withDek(state, dek, true, key -> key.equalsConstantTime(original))) {
        same++;
      }
    }
    return same;
  }

  private KeyMaterial newTmk(String tenant, CmkBinding cmk, int version) throws Exception {
    SecretBytes tmk = Keys.newAes256();
    byte[] plaintext = tmk.toByteArray();
    byte[] wrapped;
    try {
      wrapped =
          kms.encrypt(
              TmkContext.refOf(cmk), TmkContext.encryptionContext(tenant, version), plaintext);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
      tmk.destroy();
    }
    TmkRef ref =
        TmkRef.newBuilder()
            .setTmkId("tmk_" + UUID.randomUUID())
            .setVersion(version)
            .setWrapMethod("customer_kms")
            .setFingerprint(KeyFingerprint.of(wrapped))
            .setCmkKeyArn(cmk.getKeyArn())
            .build();
    return KeyMaterial.newBuilder()
        .setTenantId(tenant)
        .setTmk(ref)
        .setWrappedKey(ByteBuffer.wrap(wrapped))
        .build();
  }

  private static void accepted(CommandOutcome outcome) {
    assertThat(outcome.getAccepted())
        .as("setup command accepted: %s", outcome.getRefusal())
        .isTrue();
  }

  @Override
  public void close() {
    generated.values().forEach(SecretBytes::destroy);
    kms.close();
    customer.close();
    localKms.close();
  }
}
