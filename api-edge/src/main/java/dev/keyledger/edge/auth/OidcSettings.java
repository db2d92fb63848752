package dev.keyledger.edge.auth;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How {@code serve} with {@code auth.mode=jwks} trusts the platform's OpenID Connect identity
 * provider: whose tokens ({@code iss}), for whom ({@code aud}), where its public keys are, which
 * claims carry the tenant and the roles, and what makes a token a step-up proof.
 *
 * @param issuer the only accepted {@code iss}, exactly as the identity provider writes it (Auth0's
 *     ends in {@code /}, Keycloak's in {@code /realms/<realm>})
 * @param audience a value the token's {@code aud} must contain
 * @param jwksUrl the identity provider's JWK set; empty = {@code jwks_uri} of {@link
 *     #discoveryUrl()}
 * @param tenantClaim the claim holding the tenant id: a claim name, or a dotted path into nested
 *     objects when no claim has that exact name
 * @param rolesClaim the claim holding the roles (an array of role names or one space-separated
 *     string), a claim name or a dotted path such as {@code realm_access.roles}
 * @param algorithms accepted JWS algorithms, a non-empty subset of {@link #SUPPORTED_ALGORITHMS}
 * @param clockSkew tolerance for {@code exp}, {@code nbf}, {@code iat} and {@code auth_time}
 * @param stepUpAcr the {@code acr} values that make a recent sign-in a step-up; empty = no step-up
 *     is accepted
 */
public record OidcSettings(
    String issuer,
    String audience,
    Optional<URI> jwksUrl,
    String tenantClaim,
    String rolesClaim,
    Set<String> algorithms,
    Duration clockSkew,
    List<String> stepUpAcr) {

  /**
   * The asymmetric JWS algorithms KeyLedger can verify with an identity provider's public keys.
   * {@code none} and the HMAC algorithms ({@code HS256}...) are never among them: an HMAC key would
   * be a secret shared with the identity provider, and verifying HMAC with a published key is the
   * classic forgery.
   */
  public static final Set<String> SUPPORTED_ALGORITHMS =
      Set.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

  /** Accepted algorithms unless configured: what common identity providers sign with. */
  public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "ES256", "EdDSA");

  /** Tolerated difference between the identity provider's clock and ours. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

  /** Claim of the tenant id unless configured. */
  public static final String DEFAULT_TENANT_CLAIM = "org";

  /** Claim of the roles unless configured. */
  public static final String DEFAULT_ROLES_CLAIM = "roles";

  private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

  /**
   * @throws IllegalArgumentException naming the first unusable value
   */
  public OidcSettings {
    issuer = nonBlank(issuer, "issuer");
    audience = nonBlank(audience, "audience");
    Objects.requireNonNull(jwksUrl, "jwksUrl").ifPresent(OidcSettings::requireFetchable);
    if (jwksUrl.isEmpty()) {
      requireFetchable(discoveryUrl(issuer));
    }
    tenantClaim = nonBlank(tenantClaim, "tenantClaim");
    rolesClaim = nonBlank(rolesClaim, "rolesClaim");
    algorithms = Set.copyOf(algorithms);
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("name at least one algorithm");
    }
    for (String algorithm : algorithms) {
      requireSupported(algorithm);
    }
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("the clock skew cannot be negative");
    }
    stepUpAcr = List.copyOf(new LinkedHashSet<>(stepUpAcr));
  }

  /**
   * Settings with the defaults: keys by discovery, claims {@code org} and {@code roles}, {@link
   * #DEFAULT_ALGORITHMS}, {@link #DEFAULT_CLOCK_SKEW}, no step-up {@code acr}.
   */
  public static OidcSettings of(String issuer, String audience) {
    return new OidcSettings(
        issuer,
        audience,
        Optional.empty(),
        DEFAULT_TENANT_CLAIM,
        DEFAULT_ROLES_CLAIM,
        DEFAULT_ALGORITHMS,
        DEFAULT_CLOCK_SKEW,
        List.of());
  }

  /** The same settings with the JWK set at {@code url} instead of discovered. */
  public OidcSettings withJwksUrl(URI url) {
    return new OidcSettings(
        issuer,
        audience,
        Optional.of(url),
        tenantClaim,
        rolesClaim,
        algorithms,
        clockSkew,
        stepUpAcr);
  }

  /** The same settings with other claims for the tenant and the roles. */
  public OidcSettings withClaims(String tenantClaim, String rolesClaim) {
    return new OidcSettings(
        issuer, audience, jwksUrl, tenantClaim, rolesClaim, algorithms, clockSkew, stepUpAcr);
  }

  /** The same settings with these step-up {@code acr} values. */
  public OidcSettings withStepUpAcr(List<String> acr) {
    return new OidcSettings(
        issuer, audience, jwksUrl, tenantClaim, rolesClaim, algorithms, clockSkew, acr);
  }

  /**
   * {@code <issuer>/.well-known/openid-configuration}, a trailing {@code /} of the issuer removed
   * first (OpenID Connect Discovery 1.0, section 4).
   */
  public URI discoveryUrl() {
    return discoveryUrl(issuer);
  }

  /**
   * Refuses an algorithm KeyLedger does not accept from an identity provider.
   *
   * @throws IllegalArgumentException saying why, e.g. for {@code none} or {@code HS256}
   */
  public static void requireSupported(String algorithm) {
    if (SUPPORTED_ALGORITHMS.contains(algorithm)) {
      return;
    }
    if ("none".equalsIgnoreCase(algorithm)) {
      throw new IllegalArgumentException("none is never accepted: unsigned tokens prove nothing");
    }
    if (algorithm.toUpperCase(Locale.ROOT).startsWith("HS")) {
      throw new IllegalArgumentException(
          algorithm
              + " is never accepted from an identity provider: its keys are public, and an HMAC"
              + " checked with a public key can be forged by anyone");
    }
    throw new IllegalArgumentException(
        "unknown algorithm "
            + algorithm
            + "; choose among "
            + String.join(", ", SUPPORTED_ALGORITHMS.stream().sorted().toList()));
  }

  /**
   * Refuses a URL keys may not be fetched from: only {@code https}, or {@code http} to a loopback
   * host (a local test identity provider), so that nobody on the network can substitute the keys.
   *
   * @throws IllegalArgumentException saying why
   */
  public static void requireFetchable(URI url) {
    String host = url.getHost();
    boolean https = "https".equals(url.getScheme());
    boolean loopbackHttp =
        "http".equals(url.getScheme())
            && ("localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host));
    if (host == null || !(https || loopbackHttp)) {
      throw new IllegalArgumentException(
          "keys are fetched only over https (http only from localhost), not from " + url);
    }
  }

  private static URI discoveryUrl(String issuer) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    try {
      return URI.create(base + DISCOVERY_PATH);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the issuer is not a URL, so its keys cannot be discovered; set the JWK set URL");
    }
  }

  private static String nonBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value.strip();
  }
}
