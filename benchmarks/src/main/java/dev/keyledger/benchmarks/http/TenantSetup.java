package dev.keyledger.benchmarks.http;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Makes tenants whose keys are usable, the shortest way the README's walkthrough allows: the
 * customer creates a CMK in the local KMS emulator with a key policy granting the platform's
 * principal (AWS SDK, as the customer account), then {@code POST /api/v1/byok/keys} and {@code POST
 * /api/v1/byok/legal-waiver} over HTTP with an owner token. Tokens are minted like {@code keyledger
 * token} does: the edge's {@link TokenIssuer} with the node's data-dir secret.
 */
public final class TenantSetup implements AutoCloseable {

  private static final int TIMEOUT_MS = 30_000;

  private final String host;
  private final int httpPort;
  private final DevNodeProcess.Customer customer;
  private final String platformPrincipal;
  private final TokenIssuer issuer;
  private final KmsClient kms;

  /** Setup against a node this process started. */
  public TenantSetup(DevNodeProcess node) throws IOException {
    this(
        node.host(),
        node.httpPort(),
        JwtKeys.loadOrCreate(node.nodeDataDir()),
        node.kmsEndpoint(),
        node.customer(),
        node.platformPrincipal());
  }

  /**
   * Setup against any dev node: its edge, the JWT secret of its data dir, its KMS emulator and the
   * customer account and platform principal the emulator knows.
   */
  public TenantSetup(
      String host,
      int httpPort,
      JwtKeys keys,
      URI kmsEndpoint,
      DevNodeProcess.Customer customer,
      String platformPrincipal) {
    this.host = host;
    this.httpPort = httpPort;
    this.customer = customer;
    this.platformPrincipal = platformPrincipal;
    this.issuer = new TokenIssuer(keys, Clock.systemUTC());
    this.kms =
        KmsClient.builder()
            .endpointOverride(kmsEndpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(customer.accessKeyId(), customer.secretAccessKey())))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  /** An access token for {@code sub} in tenant {@code org} with {@code roles}, valid 12 h. */
  public String token(String org, String sub, Role first, Role... more) {
    return issuer.issueAccess(
        new Principal(sub, org, EnumSet.of(first, more)), Duration.ofHours(12));
  }

  /**
   * Registers a fresh CMK for {@code org} and acknowledges the waiver: BYOK is active when this
   * returns.
   *
   * @throws IOException if a call fails or answers anything but 201 then 200 (the body is in the
   *     message)
   */
  public void onboard(String org) throws IOException {
    String owner = token(org, "owner@" + org, Role.OWNER);
    try (HttpConnection http = connection()) {
      expect(
          http,
          HttpRequest.postJson(
              hostPort(), "/api/v1/byok/keys", owner, "{\"key_arn\":\"" + createKey() + "\"}"),
          201);
      expect(
          http,
          HttpRequest.postJson(
              hostPort(),
              "/api/v1/byok/legal-waiver",
              owner,
              "{\"acknowledged\":true,\"acknowledged_by\":\"owner@" + org + "\"}"),
          200);
    }
  }

  /** A new connection to the edge (setup calls, not measured). */
  public HttpConnection connection() {
    return new HttpConnection(host, httpPort, TIMEOUT_MS);
  }

  /** {@code host:port} of the edge, for the {@code Host} header. */
  public String hostPort() {
    return host + ":" + httpPort;
  }

  /** Sends {@code request} once and returns the body if the status is {@code status}. */
  public String expect(HttpConnection http, HttpRequest request, int status) throws IOException {
    int got = http.exchange(request);
    if (got != status) {
      throw new IOException(request + " answered " + got + ", not " + status + ": " + http.body());
    }
    return http.body();
  }

  private String createKey() {
    String policy =
        """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
           "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "kms:*", "Resource": "*"},
          {"Sid": "Allow KeyLedger", "Effect": "Allow", "Principal": {"AWS": "%s"},
           "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
           "Resource": "*"}]}"""
            .formatted(customer.accountId(), platformPrincipal);
    return kms.createKey(
            r ->
                r.description("KeyLedger HttpLoad tenant key")
                    .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                    .policy(policy))
        .keyMetadata()
        .arn();
  }

  @Override
  public void close() {
    kms.close();
  }
}
