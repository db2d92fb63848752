package dev.keyledger.benchmarks.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * The load the faults hit: client threads, each owning its tenants (so no two threads race on one
 * tenant's commands), each looping over a random mix of registrations (a new CMK in the KMS
 * emulator, {@code POST /keys}, then the waiver's acknowledgment), DEK rotations, master rotations
 * (which start a rewrap), encryptions and decryptions of its earlier ciphertexts. Everything the
 * node answered goes into the {@link Ledger}; a request the node did not answer (it was down) is
 * only counted, and the thread backs off 100 ms.
 */
final class MixedLoad implements AutoCloseable {

  private static final String CONTEXT = "{\"table\":\"trial\"}";

  private final NodeApi api;
  private final KmsClient kms;
  private final String principal;
  private final String customerAccount;
  private final Ledger ledger;
  private final int tenantsPerThread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  MixedLoad(
      NodeApi api,
      KmsClient kms,
      String customerAccount,
      String principal,
      Ledger ledger,
      int tenantsPerThread) {
    this.api = api;
    this.kms = kms;
    this.customerAccount = customerAccount;
    this.principal = principal;
    this.ledger = ledger;
    this.tenantsPerThread = tenantsPerThread;
  }

  /** Starts {@code count} client threads, tenant names prefixed {@code prefix}. */
  void start(int count, String prefix, long seed) {
    for (int t = 0; t < count; t++) {
      Client client = new Client(prefix + "-" + t, new Random(seed + t));
      Thread thread = new Thread(client::run, "load-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Stops the threads after their current request. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(60_000);
    }
  }

  /** One client thread and the tenants it owns. */
  private final class Client {
    private final String prefix;
    private final Random random;
    private final List<String> active = new ArrayList<>();
    private final List<Ledger.Sealed> mine = new ArrayList<>();
    private String unacknowledged;
    private int made;

    Client(String prefix, Random random) {
      this.prefix = prefix;
      this.random = random;
    }

    void run() {
      while (running.get()) {
        boolean answered;
        try {
          answered = step();
        } catch (RuntimeException e) {
          answered = false; // the KMS emulator of a killed dev node, for one
        }
        if (!answered) {
          try {
            // Backs off while the node is down; this is load, not a test.
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    private boolean step() {
      if (unacknowledged != null) {
        return acknowledge();
      }
      if (active.isEmpty() || (made < tenantsPerThread && random.nextInt(100) < 8)) {
        return register();
      }
      String tenant = active.get(random.nextInt(active.size()));
      int dice = random.nextInt(100);
      if (dice < 45) {
        return encrypt(tenant);
      }
      if (dice < 80) {
        return mine.isEmpty() ? encrypt(tenant) : decrypt(mine.get(random.nextInt(mine.size())));
      }
      if (dice < 95) {
        return rotate(tenant, "dek");
      }
      return rotate(tenant, "master");
    }

    private boolean register() {
      if (made >= tenantsPerThread) {
        return encrypt(active.get(random.nextInt(active.size())));
      }
      String tenant = prefix + "-" + made;
      String arn = createKey();
      NodeApi.Answer a =
          api.post(
              "/api/v1/byok/keys", api.token(tenant, Role.OWNER), "{\"key_arn\":\"" + arn + "\"}");
      boolean registered = record(a, tenant, "register");
      if (!registered && (a == null || a.status() != 409)) {
        return a != null;
      }
      // 409: registered by an earlier request whose answer was lost to a kill
      made++;
      ledger.tenant(tenant);
      unacknowledged = tenant;
      return true;
    }

    private boolean acknowledge() {
      String tenant = unacknowledged;
      NodeApi.Answer a =
          api.post(
              "/api/v1/byok/legal-waiver",
              api.token(tenant, Role.OWNER),
              "{\"acknowledged\":true,\"acknowledged_by\":\"owner@" + tenant + "\"}");
      if (record(a, tenant, "acknowledge")) {
        active.add(tenant);
        unacknowledged = null;
      } else if (a != null && a.status() == 409) {
        unacknowledged = null; // acknowledged by an earlier request whose answer was lost
        active.add(tenant);
      }
      return a != null;
    }

    private boolean rotate(String tenant, String type) {
      NodeApi.Answer a =
          api.post(
              "/api/v1/byok/keys/rotate",
              api.token(tenant, Role.OWNER),
              "{\"rotation_type\":\"" + type + "\",\"reason\":\"fault trial\"}");
      record(a, tenant, "rotate " + type);
      return a != null;
    }

    private boolean encrypt(String tenant) {
      byte[] plaintext = new byte[64];
      random.nextBytes(plaintext);
      String b64 = Base64.getEncoder().encodeToString(plaintext);
      NodeApi.Answer a =
          api.post(
              "/api/v1/byok/encrypt",
              api.token(tenant, Role.AGENT),
              "{\"plaintext\":\"" + b64 + "\",\"context\":" + CONTEXT + "}");
      ledger.request(a != null);
      if (a != null && a.status() == 200) {
        Ledger.Sealed sealed =
            new Ledger.Sealed(tenant, a.body().get("ciphertext").asText(), b64, CONTEXT);
        ledger.encrypted(tenant, a.body().get("dek_id").asText(), sealed);
        mine.add(sealed);
      }
      return a != null;
    }

    private boolean decrypt(Ledger.Sealed sealed) {
      NodeApi.Answer a = decryptOnce(api, sealed);
      ledger.request(a != null);
      if (a != null && a.status() == 200 && !plaintextOf(a).equals(sealed.plaintext())) {
        ledger.wrongPlaintext();
      }
      return a != null;
    }

    /** Records the answer; true if it was a 2xx decision (or a 202, which is recorded too). */
    private boolean record(NodeApi.Answer a, String tenant, String operation) {
      ledger.request(a != null);
      if (a == null) {
        return false;
      }
      if (a.status() == 202) {
        ledger.pending(a.body().get("command_id").asText(), tenant);
        return false;
      }
      if (a.status() == 200 || a.status() == 201) {
        ledger.acknowledged(a.requestId(), tenant, operation);
        return true;
      }
      return false;
    }
  }

  /** Decrypts a recorded ciphertext with a new agent token of its tenant. */
  static NodeApi.Answer decryptOnce(NodeApi api, Ledger.Sealed sealed) {
    return api.post(
        "/api/v1/byok/decrypt",
        api.token(sealed.tenant(), Role.AGENT),
        "{\"ciphertext\":\"" + sealed.ciphertext() + "\",\"context\":" + sealed.context() + "}");
  }

  static String plaintextOf(NodeApi.Answer a) {
    JsonNode p = a.body() == null ? null : a.body().get("plaintext");
    return p == null ? "" : p.asText();
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
            .formatted(customerAccount, principal);
    return kms.createKey(
            r ->
                r.description("KeyLedger fault-trial tenant key")
                    .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                    .policy(policy))
        .keyMetadata()
        .arn();
  }
}
