package dev.keyledger.localkms.internal;

import dev.keyledger.localkms.CallLog;
import dev.keyledger.localkms.LocalKmsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * Wires the emulator's state, handlers and persistence from a {@link LocalKmsConfig}; the HTTP
 * server around it lives in {@code LocalKms}.
 */
public final class Emulator {
  private final KeyStore keys;
  private final RoleStore roles;
  private final CredentialStore credentials;
  private final StateFile stateFile;
  private final FaultGate faults;
  private final CallLog calls = new CallLog();
  private final RequestDispatcher dispatcher;

  public Emulator(LocalKmsConfig config, Clock clock) throws IOException {
    this.stateFile = config.dataDir() == null ? null : new StateFile(config.dataDir());
    this.keys = new KeyStore(clock, this::persist);
    this.roles = new RoleStore(this::persist);
    this.credentials =
        new CredentialStore(
            Map.of(
                config.platformAccessKeyId(),
                    new CredentialStore.Entry(
                        new Secret(config.platformSecretAccessKey()),
                        null,
                        platformPrincipal(config),
                        null),
                config.customerAccessKeyId(),
                    new CredentialStore.Entry(
                        new Secret(config.customerSecretAccessKey()),
                        null,
                        Principal.accountRoot(config.customerAccountId()),
                        null)),
            clock,
            this::persist);
    if (stateFile != null) {
      stateFile
          .load()
          .ifPresent(
              s -> {
                keys.restore(s.keys(), s.aliases());
                roles.restore(s.roles());
                credentials.restore(s.sessions());
              });
    }
    this.faults = new FaultGate(config.initialFaults());
    Authorizer authorizer = new Authorizer(roles);
    this.dispatcher =
        new RequestDispatcher(
            new SigV4Verifier(clock),
            credentials,
            new KmsHandler(keys, authorizer, clock),
            new StsHandler(roles, credentials, authorizer),
            new IamHandler(roles, authorizer, clock),
            faults,
            calls,
            clock);
  }

  public RequestDispatcher dispatcher() {
    return dispatcher;
  }

  public FaultGate faults() {
    return faults;
  }

  public CallLog calls() {
    return calls;
  }

  /** Writes the whole state to the data directory (no-op in memory). */
  public void persist() {
    if (stateFile != null) {
      stateFile.save(keys.allKeys(), keys.allAliases(), roles.all(), credentials.sessions());
    }
  }

  private static Principal platformPrincipal(LocalKmsConfig config) {
    String arn = config.platformPrincipalArn();
    String prefix = arn.contains(":role/") ? "AROA" : "AIDA";
    // a stable unique id in AWS's shape, derived from the ARN so it survives restarts
    String userId =
        prefix
            + SigV4Verifier.sha256Hex(arn.getBytes(StandardCharsets.UTF_8))
                .substring(0, 17)
                .toUpperCase(Locale.ROOT);
    return new Principal(arn, config.platformAccountId(), userId, null, true);
  }
}
