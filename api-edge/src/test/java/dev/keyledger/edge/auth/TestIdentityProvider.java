package dev.keyledger.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenID Connect identity provider for tests, over real HTTP on loopback (the JDK's
 * server): its discovery document at {@code <issuer>/.well-known/openid-configuration}, its JWK set
 * at {@code <issuer>/jwks} (what is {@link #publish published}, public parts only), and tokens
 * signed with its RSA, EC P-256 and Ed25519 keys. Counts the requests to each document, so a test
 * can see when the verifier fetched keys.
 */
public final class TestIdentityProvider implements AutoCloseable {

  /** The audience tests configure and tokens carry unless told otherwise. */
  public static final String AUDIENCE = "keyledger";

  private final HttpServer server;
  private final String issuer;
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  private volatile JWKSet published;
  private volatile String advertisedIssuer;

  /** The first RSA key, {@code kid} {@code rsa-1}; published at start. */
  public final RSAKey rsa;

  /** The EC P-256 key, {@code kid} {@code ec-1}; published at start. */
  public final ECKey ec;

  private final KeyPair ed25519;

  /** The public Ed25519 key, {@code kid} {@code ed-1}; published at start. */
  public final OctetKeyPair ed25519Jwk;

  private TestIdentityProvider() throws IOException, JOSEException, GeneralSecurityException {
    rsa = rsaKey("rsa-1");
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE).generate();
    ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    ed25519Jwk = okp(ed25519, Curve.Ed25519, "ed-1");
    published = new JWKSet(List.of(rsa, ec, ed25519Jwk));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/idp";
    advertisedIssuer = issuer;
    server.createContext(
        "/idp/.well-known/openid-configuration",
        exchange -> {
          discoveryRequests.incrementAndGet();
          respond(
              exchange,
              JSONObjectUtils.toJSONString(
                  Map.of("issuer", advertisedIssuer, "jwks_uri", jwksUrl().toString())));
        });
    server.createContext(
        "/idp/jwks",
        exchange -> {
          jwksRequests.incrementAndGet();
          respond(exchange, published.toString(true));
        });
    server.start();
  }

  /** Starts it on an ephemeral loopback port. */
  public static TestIdentityProvider start() {
    try {
      return new TestIdentityProvider();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JOSEException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new 2048-bit RSA signing key with this {@code kid} (not published). */
  public static RSAKey rsaKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public URI jwksUrl() {
    return URI.create(issuer + "/jwks");
  }

  /** Settings that fetch the JWK set from {@link #jwksUrl()}, audience {@link #AUDIENCE}. */
  public OidcSettings settings() {
    return OidcSettings.of(issuer, AUDIENCE).withJwksUrl(jwksUrl());
  }

  /** From now on the JWK set holds exactly these keys (their public parts). */
  public void publish(JWK... keys) {
    published = new JWKSet(List.of(keys));
  }

  /** From now on the discovery document names this issuer instead of the real one. */
  public void advertiseIssuer(String other) {
    advertisedIssuer = other;
  }

  public int jwksRequests() {
    return jwksRequests.get();
  }

  public int discoveryRequests() {
    return discoveryRequests.get();
  }

  /**
   * Claims of a token issued at {@code now}: {@code iss}, {@code aud} {@link #AUDIENCE}, {@code
   * sub}, {@code org}, {@code roles}, {@code iat} = {@code auth_time} = now, {@code exp} in an
   * hour, a {@code jti}.
   */
  public JWTClaimsSet.Builder claims(String sub, String org, Instant now, String... roles) {
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(AUDIENCE)
        .subject(sub)
        .claim("org", org)
        .claim("roles", List.of(roles))
        .issueTime(Date.from(now))
        .claim("auth_time", now.getEpochSecond())
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
        .jwtID(UUID.randomUUID().toString());
  }

  /** {@code claims} signed RS256 with {@code key}, its {@code kid} in the header. */
  public static String rs256(RSAKey key, JWTClaimsSet claims) {
    return sign(
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID(key.getKeyID())
            .type(JOSEObjectType.JWT)
            .build(),
        claims,
        key);
  }

  /** {@code claims} signed RS256 with {@link #rsa}. */
  public String rs256(JWTClaimsSet claims) {
    return rs256(rsa, claims);
  }

  /** {@code claims} signed ES256 with {@link #ec}. */
  public String es256(JWTClaimsSet claims) {
    return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims, ec);
  }

  /** {@code claims} signed EdDSA (Ed25519) with the JDK, {@code kid} {@code ed-1}. */
  public String edDsa(JWTClaimsSet claims) {
    return edDsa(ed25519, "ed-1", claims);
  }

  /** The public JWK of a JDK EdDSA key pair ({@code Ed25519} or {@code Ed448}), use {@code sig}. */
  public static OctetKeyPair okp(KeyPair pair, Curve curve, String kid) {
    byte[] spki = pair.getPublic().getEncoded();
    int length = Curve.Ed25519.equals(curve) ? 32 : 57;
    return new OctetKeyPair.Builder(
            curve, Base64URL.encode(Arrays.copyOfRange(spki, spki.length - length, spki.length)))
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .build();
  }

  /** {@code claims} signed EdDSA with the JDK key pair {@code pair}, {@code kid} in the header. */
  public static String edDsa(KeyPair pair, String kid, JWTClaimsSet claims) {
    String header =
        Base64URL.encode(
                ("{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8))
            .toString();
    String payload =
        Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8)).toString();
    String signingInput = header + "." + payload;
    try {
      Signature signer = Signature.getInstance(pair.getPrivate().getAlgorithm());
      signer.initSign(pair.getPrivate());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64URL.encode(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims, JWK key) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static void respond(HttpExchange exchange, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
