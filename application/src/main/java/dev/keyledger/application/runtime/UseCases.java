package dev.keyledger.application.runtime;

import dev.keyledger.application.AgentSessions;
import dev.keyledger.application.AuditTrail;
import dev.keyledger.application.Commands;
import dev.keyledger.application.CountedRefusals;
import dev.keyledger.application.DataKeyLeasing;
import dev.keyledger.application.DataPlane;
import dev.keyledger.application.DekAutoRotation;
import dev.keyledger.application.HealthChecks;
import dev.keyledger.application.KeyDeregistration;
import dev.keyledger.application.KeyOnboarding;
import dev.keyledger.application.KeyRotations;
import dev.keyledger.application.KeyStatus;
import dev.keyledger.application.LegalWaiver;
import dev.keyledger.application.ManualUnseal;
import dev.keyledger.application.PlatformKeys;
import dev.keyledger.application.StateQueries;
import dev.keyledger.application.TenantAlerts;
import dev.keyledger.application.TenantReader;
import dev.keyledger.application.UsageMeter;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.keys.KeyMint;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.kms.CmkProbe;
import dev.keyledger.engine.kms.CustomerKms;
import java.time.Clock;
import java.util.function.Consumer;

/** Every use case of the product, as the edge (or any other adapter) calls them. */
public record UseCases(
    KeyOnboarding onboarding,
    KeyDeregistration deregistration,
    KeyRotations rotations,
    ManualUnseal unseal,
    DataPlane dataPlane,
    DataKeyLeasing dataKeys,
    KeyStatus keys,
    HealthChecks health,
    TenantAlerts alerts,
    CountedRefusals refusals,
    LegalWaiver waiver,
    AuditTrail audit,
    AgentSessions agents) {

  /**
   * The use cases on a running engine.
   *
   * @param tokens issues agent session tokens (the edge's token issuer)
   */
  public static UseCases on(EngineRuntime engine, AgentSessions.SessionTokens tokens) {
    return create(
        engine.commands(),
        engine.queries(),
        engine.kms(),
        engine.probe(),
        engine.platformKey(),
        engine.keyring(),
        engine.usage(),
        engine.refusals(),
        engine.settings().clock(),
        tokens,
        engine::closeWithEngine);
  }

  /**
   * The use cases on any ports (the engine's, or fakes in tests).
   *
   * @param refusals counts high-volume refusals (rate limits, sealed data plane) for the audit
   * @param closer takes what must be closed with the caller (the automatic DEK rotation's thread)
   */
  public static UseCases create(
      Commands commands,
      StateQueries queries,
      CustomerKms kms,
      CmkProbe probe,
      PlatformKeyWrapper platformKey,
      TenantKeyring keyring,
      UsageMeter usage,
      CountedRefusals refusals,
      Clock clock,
      AgentSessions.SessionTokens tokens,
      Consumer<AutoCloseable> closer) {
    TenantReader reader = new TenantReader(queries);
    KeyMint mint = new KeyMint(kms, platformKey);
    PlatformKeys platformKeys = new PlatformKeys(reader, mint, commands);
    KeyRotations rotations = new KeyRotations(reader, platformKeys, keyring, mint, commands);
    DekAutoRotation autoRotation = new DekAutoRotation(rotations);
    closer.accept(autoRotation);
    return new UseCases(
        new KeyOnboarding(mint, probe, commands, reader, platformKeys),
        new KeyDeregistration(kms, platformKey, commands, reader),
        rotations,
        new ManualUnseal(reader, keyring, commands),
        new DataPlane(platformKeys, keyring, usage, refusals, autoRotation::request, clock),
        new DataKeyLeasing(platformKeys, commands, keyring, autoRotation::request, clock),
        new KeyStatus(reader, platformKeys),
        new HealthChecks(reader, platformKeys, probe, platformKey, keyring, commands, clock),
        new TenantAlerts(queries),
        refusals,
        new LegalWaiver(reader, commands),
        new AuditTrail(queries),
        new AgentSessions(reader, tokens, commands, clock));
  }
}
