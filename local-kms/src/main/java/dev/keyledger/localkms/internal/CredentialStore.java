package dev.keyledger.localkms.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access keys the emulator accepts: the two static ones from the configuration and the temporary
 * ones issued by AssumeRole. Thread-safe; issuing calls the change listener so sessions survive a
 * restart.
 */
public final class CredentialStore {

  /** What an access key id resolves to. {@code sessionToken} is null for long-term keys. */
  public record Entry(
      Secret secretAccessKey,
      Secret sessionToken,
      Principal principal,
      java.time.Instant expiration) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private final Map<String, Entry> staticKeys;
  private final Map<String, SessionCredentials> sessions = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Runnable onChange;

  public CredentialStore(Map<String, Entry> staticKeys, Clock clock, Runnable onChange) {
    this.staticKeys = Map.copyOf(staticKeys);
    this.clock = clock;
    this.onChange = onChange;
  }

  public Optional<Entry> lookup(String accessKeyId) {
    Entry fixed = staticKeys.get(accessKeyId);
    if (fixed != null) {
      return Optional.of(fixed);
    }
    SessionCredentials s = sessions.get(accessKeyId);
    return s == null
        ? Optional.empty()
        : Optional.of(
            new Entry(s.secretAccessKey(), s.sessionToken(), s.principal(), s.expiration()));
  }

  /**
   * Issues temporary credentials for a session of {@code roleArn} (whose unique id is {@code
   * roleId}).
   */
  public SessionCredentials issue(
      String roleArn, String roleId, String sessionName, Duration duration) {
    removeExpired();
    String[] arnParts = roleArn.split(":", 6);
    String roleName = arnParts[5].substring(arnParts[5].lastIndexOf('/') + 1);
    SessionCredentials s =
        new SessionCredentials(
            "ASIA" + randomKeyChars(16),
            new Secret(Base64.getEncoder().withoutPadding().encodeToString(randomBytes(30))),
            new Secret(
                "FwoGZXIvYXdzE"
                    + Base64.getEncoder().withoutPadding().encodeToString(randomBytes(96))),
            roleArn,
            "arn:aws:sts::" + arnParts[4] + ":assumed-role/" + roleName + "/" + sessionName,
            roleId + ":" + sessionName,
            clock.instant().plus(duration).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    sessions.put(s.accessKeyId(), s);
    onChange.run();
    return s;
  }

  public List<SessionCredentials> sessions() {
    return List.copyOf(sessions.values());
  }

  public void restore(List<SessionCredentials> saved) {
    saved.forEach(s -> sessions.put(s.accessKeyId(), s));
    removeExpired();
  }

  private void removeExpired() {
    sessions.values().removeIf(s -> s.expiration().isBefore(clock.instant()));
  }

  static String randomKeyChars(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(KEY_ALPHABET.charAt(RANDOM.nextInt(KEY_ALPHABET.length())));
    }
    return sb.toString();
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static String randomHex(int bytes) {
    return HexFormat.of().formatHex(randomBytes(bytes)).toLowerCase(Locale.ROOT);
  }
}
