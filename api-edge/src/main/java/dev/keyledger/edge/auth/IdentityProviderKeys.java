package dev.keyledger.edge.auth;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetRetrievalException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The identity provider's public keys, fetched from its JWK set URL (configured, or the {@code
 * jwks_uri} of its discovery document, looked up once on first use) with nimbus' JWK set sources:
 * cached for {@link #CACHE_TTL}, and refreshed early when a token names a key the cached set does
 * not hold, so that the identity provider can rotate its keys without a restart. Fetches, discovery
 * included, are rate-limited to two per {@link #MIN_FETCH_INTERVAL}: a flood of tokens with made-up
 * {@code kid}s costs the identity provider nothing. Times are taken from the given clock.
 * Thread-safe.
 */
final class IdentityProviderKeys {

  /** How long a fetched key set is used before it is fetched again. */
  static final Duration CACHE_TTL = Duration.ofMinutes(5);

  /** At most two fetches start within this interval. */
  static final Duration MIN_FETCH_INTERVAL = Duration.ofSeconds(30);

  private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(5);
  private static final int HTTP_TIMEOUT_MILLIS = 2_000;
  private static final int HTTP_SIZE_LIMIT = 256 * 1024;

  private final JWKSetSource<SecurityContext> source;
  private final Clock clock;

  IdentityProviderKeys(OidcSettings settings, Clock clock) {
    this.clock = clock;
    ResourceRetriever http =
        new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS, HTTP_SIZE_LIMIT);
    JWKSetSource<SecurityContext> remote =
        settings.jwksUrl().isPresent()
            ? new URLBasedJWKSetSource<>(url(settings.jwksUrl().get()), http)
            : new DiscoveredJwkSetSource(settings.issuer(), settings.discoveryUrl(), http);
    this.source =
        new CachingJWKSetSource<>(
            new RateLimitedJWKSetSource<>(remote, MIN_FETCH_INTERVAL.toMillis(), null),
            CACHE_TTL.toMillis(),
            REFRESH_TIMEOUT.toMillis(),
            null);
  }

  /**
   * The keys that may have signed a token with this header: its {@code kid} (when it names one), a
   * key type and curve that fit its algorithm, use {@code sig} or unspecified. When the cached set
   * holds none, the set is fetched again first, unless the rate limit forbids it.
   *
   * @return the candidates; empty when the identity provider has no such key (as of the last fetch)
   * @throws KeySourceException when no key set could be fetched at all, or a needed refresh failed
   */
  List<JWK> candidates(JWSHeader header) throws KeySourceException {
    JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
    long now = clock.millis();
    JWKSet known = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
    List<JWK> keys = selector.select(known);
    if (!keys.isEmpty()) {
      return keys;
    }
    try {
      return selector.select(
          source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(known), now, null));
    } catch (RateLimitReachedException e) {
      return List.of();
    }
  }

  private static URL url(URI uri) {
    try {
      return uri.toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + uri, e);
    }
  }

  /**
   * The JWK set at the {@code jwks_uri} of an OpenID Provider's discovery document. The document is
   * fetched on the first call (and again after a failed one); its {@code issuer} must be the
   * configured one exactly, as OpenID Connect Discovery requires, and its {@code jwks_uri} must be
   * fetchable ({@link OidcSettings#requireFetchable(URI)}).
   */
  private static final class DiscoveredJwkSetSource implements JWKSetSource<SecurityContext> {

    private final String issuer;
    private final URI discoveryUrl;
    private final ResourceRetriever http;
    private volatile URLBasedJWKSetSource<SecurityContext> keys;

    DiscoveredJwkSetSource(String issuer, URI discoveryUrl, ResourceRetriever http) {
      this.issuer = issuer;
      this.discoveryUrl = discoveryUrl;
      this.http = http;
    }

    @Override
    public JWKSet getJWKSet(
        JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
        throws KeySourceException {
      URLBasedJWKSetSource<SecurityContext> discovered = keys;
      if (discovered == null) {
        discovered = new URLBasedJWKSetSource<>(discoverJwksUrl(), http);
        keys = discovered;
      }
      return discovered.getJWKSet(refreshEvaluator, currentTime, context);
    }

    private URL discoverJwksUrl() throws KeySourceException {
      Map<String, Object> document;
      try {
        document = JSONObjectUtils.parse(http.retrieveResource(url(discoveryUrl)).getContent());
      } catch (IOException | ParseException e) {
        throw new JWKSetRetrievalException(
            "OpenID discovery at " + discoveryUrl + " failed: " + e.getMessage(), e);
      }
      try {
        String advertised = JSONObjectUtils.getString(document, "issuer");
        if (!issuer.equals(advertised)) {
          throw new KeySourceException(
              "the discovery document at "
                  + discoveryUrl
                  + " is for issuer "
                  + advertised
                  + ", not for auth.issuer "
                  + issuer);
        }
        URI jwksUri = JSONObjectUtils.getURI(document, "jwks_uri");
        if (jwksUri == null) {
          throw new KeySourceException(
              "the discovery document at " + discoveryUrl + " has no jwks_uri");
        }
        OidcSettings.requireFetchable(jwksUri);
        return url(jwksUri);
      } catch (ParseException | IllegalArgumentException e) {
        throw new KeySourceException(
            "the discovery document at " + discoveryUrl + " is unusable: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      URLBasedJWKSetSource<SecurityContext> discovered = keys;
      if (discovered != null) {
        discovered.close();
      }
    }
  }
}
