package dev.keyledger.localkms.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The KMS operations (JSON 1.1, {@code X-Amz-Target: TrentService.<Op>}): request JSON in, response
 * JSON out, failures as {@link AwsException}. Key references are resolved in the request's region:
 * a key id or {@code alias/} name in the caller's account, or a key/alias ARN of any account.
 */
public final class KmsHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PLAINTEXT = 4096;
  private static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";

  private final KeyStore keys;
  private final Authorizer authorizer;
  private final Clock clock;

  public KmsHandler(KeyStore keys, Authorizer authorizer, Clock clock) {
    this.keys = keys;
    this.authorizer = authorizer;
    this.clock = clock;
  }

  public ObjectNode handle(String operation, JsonNode req, Principal caller, String region) {
    return switch (operation) {
      case "CreateKey" -> createKey(req, caller, region);
      case "DescribeKey" -> describeKey(req, caller, region);
      case "ListKeys" -> listKeys(req, caller, region);
      case "CreateAlias" -> createAlias(req, caller, region);
      case "DeleteAlias" -> deleteAlias(req, caller, region);
      case "ListAliases" -> listAliases(req, caller, region);
      case "GetKeyPolicy" -> getKeyPolicy(req, caller, region);
      case "PutKeyPolicy" -> putKeyPolicy(req, caller, region);
      case "EnableKey" -> setEnabled(req, caller, region, true);
      case "DisableKey" -> setEnabled(req, caller, region, false);
      case "ScheduleKeyDeletion" -> scheduleKeyDeletion(req, caller, region);
      case "CancelKeyDeletion" -> cancelKeyDeletion(req, caller, region);
      case "Encrypt" -> encrypt(req, caller, region);
      case "Decrypt" -> decrypt(req, caller, region);
      case "GenerateDataKey" -> generateDataKey(req, caller, region, true);
      case "GenerateDataKeyWithoutPlaintext" -> generateDataKey(req, caller, region, false);
      default -> throw AwsErrors.unknownOperation(Service.KMS, operation);
    };
  }

  // --- key management ---

  private ObjectNode createKey(JsonNode req, Principal caller, String region) {
    authorizer.authorizeIdentityAction(Service.KMS, caller, "kms:CreateKey", "*");
    String usage = req.path("KeyUsage").asText("ENCRYPT_DECRYPT");
    String spec =
        req.hasNonNull("KeySpec")
            ? req.get("KeySpec").asText()
            : req.path("CustomerMasterKeySpec").asText(SYMMETRIC_DEFAULT);
    if (!usage.equals("ENCRYPT_DECRYPT") || !spec.equals(SYMMETRIC_DEFAULT)) {
      throw AwsErrors.validation(
          Service.KMS,
          "local-kms supports only KeyUsage ENCRYPT_DECRYPT with KeySpec SYMMETRIC_DEFAULT");
    }
    if (!req.path("Origin").asText("AWS_KMS").equals("AWS_KMS")) {
      throw AwsErrors.validation(Service.KMS, "local-kms supports only Origin AWS_KMS");
    }
    String policy =
        req.hasNonNull("Policy") ? req.get("Policy").asText() : defaultPolicy(caller.accountId());
    validateKeyPolicy(policy);
    boolean multiRegion = req.path("MultiRegion").asBoolean(false);
    String keyId =
        multiRegion ? "mrk-" + CredentialStore.randomHex(16) : UUID.randomUUID().toString();
    KmsKey key =
        new KmsKey(
            keyArn(region, caller.accountId(), keyId),
            keyId,
            caller.accountId(),
            region,
            req.path("Description").asText(""),
            usage,
            clock.instant(),
            KmsKey.State.Enabled,
            null,
            null,
            multiRegion,
            policy,
            KeyMaterial.generate());
    keys.add(key);
    return keyMetadataResponse(key);
  }

  private ObjectNode describeKey(JsonNode req, Principal caller, String region) {
    KmsKey key = resolveKey(req, caller, region);
    authorizer.authorizeKeyAction(caller, "kms:DescribeKey", key, null);
    return keyMetadataResponse(key);
  }

  private ObjectNode listKeys(JsonNode req, Principal caller, String region) {
    authorizer.authorizeIdentityAction(Service.KMS, caller, "kms:ListKeys", "*");
    List<KmsKey> all = keys.keys(caller.accountId(), region);
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("Keys");
    page(
        req,
        all.size(),
        out,
        i -> list.addObject().put("KeyId", all.get(i).keyId()).put("KeyArn", all.get(i).arn()));
    return out;
  }

  private ObjectNode createAlias(JsonNode req, Principal caller, String region) {
    String name = required(req, "AliasName");
    validateAliasName(name);
    KmsKey key = resolveKey(required(req, "TargetKeyId"), caller, region);
    if (!key.accountId().equals(caller.accountId())) {
      throw AwsErrors.keyNotFound(key.arn());
    }
    authorizer.authorizeKeyAction(caller, "kms:CreateAlias", key, null);
    if (key.keyState() == KmsKey.State.PendingDeletion) {
      throw AwsErrors.pendingDeletion(key.arn());
    }
    Instant now = clock.instant();
    keys.addAlias(
        new KmsAlias(
            aliasArn(region, caller.accountId(), name),
            name,
            caller.accountId(),
            region,
            key.keyId(),
            now,
            now));
    return JSON.createObjectNode();
  }

  private ObjectNode deleteAlias(JsonNode req, Principal caller, String region) {
    String name = required(req, "AliasName");
    validateAliasName(name);
    String arn = aliasArn(region, caller.accountId(), name);
    KmsAlias alias = keys.alias(arn).orElseThrow(() -> AwsErrors.aliasNotFound(arn));
    keys.key(keyArn(region, alias.accountId(), alias.targetKeyId()))
        .ifPresent(key -> authorizer.authorizeKeyAction(caller, "kms:DeleteAlias", key, null));
    keys.removeAlias(arn);
    return JSON.createObjectNode();
  }

  private ObjectNode listAliases(JsonNode req, Principal caller, String region) {
    authorizer.authorizeIdentityAction(Service.KMS, caller, "kms:ListAliases", "*");
    List<KmsAlias> all = keys.aliases(caller.accountId(), region);
    if (req.hasNonNull("KeyId")) {
      KmsKey key = resolveKey(req, caller, region);
      all = all.stream().filter(a -> a.targetKeyId().equals(key.keyId())).toList();
    }
    List<KmsAlias> aliases = all;
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("Aliases");
    page(
        req,
        aliases.size(),
        out,
        i -> {
          KmsAlias a = aliases.get(i);
          list.addObject()
              .put("AliasName", a.aliasName())
              .put("AliasArn", a.aliasArn())
              .put("TargetKeyId", a.targetKeyId())
              .put("CreationDate", epochSeconds(a.creationDate()))
              .put("LastUpdatedDate", epochSeconds(a.lastUpdatedDate()));
        });
    return out;
  }

  private ObjectNode getKeyPolicy(JsonNode req, Principal caller, String region) {
    KmsKey key = resolveKey(req, caller, region);
    authorizer.authorizeKeyAction(caller, "kms:GetKeyPolicy", key, null);
    requireDefaultPolicyName(req);
    return JSON.createObjectNode().put("Policy", key.policy()).put("PolicyName", "default");
  }

  private ObjectNode putKeyPolicy(JsonNode req, Principal caller, String region) {
    KmsKey key = resolveKey(req, caller, region);
    authorizer.authorizeKeyAction(caller, "kms:PutKeyPolicy", key, null);
    requireDefaultPolicyName(req);
    String policy = required(req, "Policy");
    validateKeyPolicy(policy);
    keys.update(key.arn(), k -> k.withPolicy(policy));
    return JSON.createObjectNode();
  }

  private ObjectNode setEnabled(JsonNode req, Principal caller, String region, boolean enable) {
    KmsKey key = resolveKey(req, caller, region);
    authorizer.authorizeKeyAction(caller, enable ? "kms:EnableKey" : "kms:DisableKey", key, null);
    keys.update(
        key.arn(),
        k -> {
          if (k.keyState() == KmsKey.State.PendingDeletion) {
            throw AwsErrors.pendingDeletion(k.arn());
          }
          return k.withState(enable ? KmsKey.State.Enabled : KmsKey.State.Disabled, null, null);
        });
    return JSON.createObjectNode();
  }

  private ObjectNode scheduleKeyDeletion(JsonNode req, Principal caller, String region) {
    KmsKey key = resolveKey(req, caller, region);
    authorizer.authorizeKeyAction(caller, "kms:ScheduleKeyDeletion", key, null);
    int days = req.path("PendingWindowInDays").asInt(30);
    if (days < 7 || days > 30) {
      throw AwsErrors.validation(
          Service.KMS,
          "1 validation error detected: Value '"
              + days
              + "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30");
    }
    Instant deletion = clock.instant().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    KmsKey updated =
        keys.update(
            key.arn(),
            k -> {
              if (k.keyState() == KmsKey.State.PendingDeletion) {
                throw AwsErrors.pendingDeletion(k.arn());
              }
              return k.withState(KmsKey.State.PendingDeletion, deletion, days);
            });
    return JSON.createObjectNode()
        .put("KeyId", updated.arn())
        .put("DeletionDate", epochSeconds(deletion))
        .put("KeyState", "PendingDeletion")
        .put("PendingWindowInDays", days);
  }

  private ObjectNode cancelKeyDeletion(JsonNode req, Principal caller, String region) {
    KmsKey key = resolveKey(req, caller, region);
    authorizer.authorizeKeyAction(caller, "kms:CancelKeyDeletion", key, null);
    keys.update(
        key.arn(),
        k -> {
          if (k.keyState() != KmsKey.State.PendingDeletion) {
            throw AwsErrors.invalidState(k.arn() + " is not pending deletion.");
          }
          return k.withState(KmsKey.State.Disabled, null, null);
        });
    return JSON.createObjectNode().put("KeyId", key.arn());
  }

  // --- cryptographic operations ---

  private ObjectNode encrypt(JsonNode req, Principal caller, String region) {
    KmsKey key = resolveKey(req, caller, region);
    byte[] plaintext = blob(req, "Plaintext");
    if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT) {
      throw AwsErrors.validation(
          Service.KMS,
          "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
              + "Member must have length less than or equal to "
              + MAX_PLAINTEXT
              + " and greater than or equal to 1");
    }
    requireSymmetricAlgorithm(req);
    EncryptionContext context = context(req);
    authorizer.authorizeKeyAction(caller, "kms:Encrypt", key, context);
    requireUsable(key);
    return JSON.createObjectNode()
        .put("CiphertextBlob", CiphertextBlob.seal(key.arn(), key.material(), plaintext, context))
        .put("KeyId", key.arn())
        .put("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
  }

  private ObjectNode decrypt(JsonNode req, Principal caller, String region) {
    CiphertextBlob blob = CiphertextBlob.parse(blob(req, "CiphertextBlob"));
    requireSymmetricAlgorithm(req);
    EncryptionContext context = context(req);
    KmsKey key = resolveKeyArn(blob.keyArn(), region);
    if (req.hasNonNull("KeyId") && !resolveKey(req, caller, region).arn().equals(key.arn())) {
      throw AwsErrors.incorrectKey();
    }
    authorizer.authorizeKeyAction(caller, "kms:Decrypt", key, context);
    requireUsable(key);
    byte[] plaintext = blob.open(key.material(), context);
    return JSON.createObjectNode()
        .put("KeyId", key.arn())
        .put("Plaintext", plaintext)
        .put("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
  }

  private ObjectNode generateDataKey(
      JsonNode req, Principal caller, String region, boolean withPlaintext) {
    KmsKey key = resolveKey(req, caller, region);
    int length = dataKeyLength(req);
    EncryptionContext context = context(req);
    authorizer.authorizeKeyAction(
        caller,
        withPlaintext ? "kms:GenerateDataKey" : "kms:GenerateDataKeyWithoutPlaintext",
        key,
        context);
    requireUsable(key);
    byte[] dataKey = CredentialStore.randomBytes(length);
    ObjectNode out =
        JSON.createObjectNode()
            .put("CiphertextBlob", CiphertextBlob.seal(key.arn(), key.material(), dataKey, context))
            .put("KeyId", key.arn());
    if (withPlaintext) {
      out.put("Plaintext", dataKey);
    }
    return out;
  }

  private static int dataKeyLength(JsonNode req) {
    boolean hasSpec = req.hasNonNull("KeySpec");
    boolean hasBytes = req.hasNonNull("NumberOfBytes");
    if (hasSpec == hasBytes) {
      throw AwsErrors.validation(
          Service.KMS,
          hasSpec
              ? "Please specify either number of bytes or key spec, not both."
              : "Please specify either number of bytes or key spec.");
    }
    if (hasSpec) {
      return switch (req.get("KeySpec").asText()) {
        case "AES_256" -> 32;
        case "AES_128" -> 16;
        default ->
            throw AwsErrors.validation(
                Service.KMS,
                "1 validation error detected: Value '"
                    + req.get("KeySpec").asText()
                    + "' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]");
      };
    }
    int n = req.get("NumberOfBytes").asInt();
    if (n < 1 || n > 1024) {
      throw AwsErrors.validation(
          Service.KMS,
          "1 validation error detected: Value '"
              + n
              + "' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024");
    }
    return n;
  }

  // --- key resolution ---

  private KmsKey resolveKey(JsonNode req, Principal caller, String region) {
    return resolveKey(required(req, "KeyId"), caller, region);
  }

  /** A key id, key ARN, {@code alias/name} or alias ARN, in the request's region. */
  private KmsKey resolveKey(String ref, Principal caller, String region) {
    if (ref.startsWith("arn:")) {
      String[] p = ref.split(":", 6);
      if (p.length != 6 || !p[2].equals("kms")) {
        throw AwsErrors.notFound("Invalid arn " + ref);
      }
      if (p[5].startsWith("alias/")) {
        return viaAlias(ref, p[3], p[4], region);
      }
      return resolveKeyArn(ref, region);
    }
    if (ref.startsWith("alias/")) {
      return viaAlias(
          aliasArn(region, caller.accountId(), ref), region, caller.accountId(), region);
    }
    return resolveKeyArn(keyArn(region, caller.accountId(), ref), region);
  }

  private KmsKey viaAlias(String aliasArn, String aliasRegion, String account, String region) {
    if (!aliasRegion.equals(region)) {
      throw AwsErrors.aliasNotFound(aliasArn);
    }
    KmsAlias alias = keys.alias(aliasArn).orElseThrow(() -> AwsErrors.aliasNotFound(aliasArn));
    return resolveKeyArn(keyArn(region, account, alias.targetKeyId()), region);
  }

  private KmsKey resolveKeyArn(String arn, String region) {
    String[] p = arn.split(":", 6);
    if (p.length != 6 || !p[3].equals(region) || !p[5].startsWith("key/")) {
      throw AwsErrors.keyNotFound(arn);
    }
    return keys.key(arn).orElseThrow(() -> AwsErrors.keyNotFound(arn));
  }

  // --- helpers ---

  private static void requireUsable(KmsKey key) {
    switch (key.keyState()) {
      case Disabled -> throw AwsErrors.disabled(key.arn());
      case PendingDeletion -> throw AwsErrors.pendingDeletion(key.arn());
      default -> {}
    }
  }

  private ObjectNode keyMetadataResponse(KmsKey key) {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode m = out.putObject("KeyMetadata");
    m.put("AWSAccountId", key.accountId())
        .put("KeyId", key.keyId())
        .put("Arn", key.arn())
        .put("CreationDate", epochSeconds(key.creationDate()))
        .put("Enabled", key.keyState() == KmsKey.State.Enabled)
        .put("Description", key.description())
        .put("KeyUsage", key.keyUsage())
        .put("KeyState", key.keyState().name());
    if (key.deletionDate() != null) {
      m.put("DeletionDate", epochSeconds(key.deletionDate()));
    }
    m.put("Origin", "AWS_KMS")
        .put("KeyManager", "CUSTOMER")
        .put("CustomerMasterKeySpec", SYMMETRIC_DEFAULT)
        .put("KeySpec", SYMMETRIC_DEFAULT);
    m.putArray("EncryptionAlgorithms").add(SYMMETRIC_DEFAULT);
    m.put("MultiRegion", key.multiRegion());
    if (key.multiRegion()) {
      ObjectNode mrc = m.putObject("MultiRegionConfiguration").put("MultiRegionKeyType", "PRIMARY");
      mrc.putObject("PrimaryKey").put("Arn", key.arn()).put("Region", key.region());
      mrc.putArray("ReplicaKeys");
    }
    return out;
  }

  private static void page(
      JsonNode req, int total, ObjectNode out, java.util.function.IntConsumer emit) {
    int limit = req.path("Limit").asInt(100);
    if (limit < 1 || limit > 1000) {
      throw AwsErrors.validation(
          Service.KMS,
          "1 validation error detected: Value '"
              + limit
              + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
    }
    int start;
    try {
      start = req.hasNonNull("Marker") ? Integer.parseInt(req.get("Marker").asText()) : 0;
    } catch (NumberFormatException e) {
      throw AwsErrors.validation(Service.KMS, "Invalid marker");
    }
    int end = Math.min(total, start + limit);
    for (int i = start; i < end; i++) {
      emit.accept(i);
    }
    out.put("Truncated", end < total);
    if (end < total) {
      out.put("NextMarker", Integer.toString(end));
    }
  }

  private static EncryptionContext context(JsonNode req) {
    Map<String, String> pairs = new LinkedHashMap<>();
    req.path("EncryptionContext")
        .fields()
        .forEachRemaining(e -> pairs.put(e.getKey(), e.getValue().asText()));
    try {
      return EncryptionContext.of(pairs);
    } catch (IllegalArgumentException e) {
      throw AwsErrors.validation(Service.KMS, e.getMessage());
    }
  }

  private static void requireSymmetricAlgorithm(JsonNode req) {
    if (!req.path("EncryptionAlgorithm").asText(SYMMETRIC_DEFAULT).equals(SYMMETRIC_DEFAULT)) {
      throw AwsErrors.validation(
          Service.KMS, "local-kms supports only EncryptionAlgorithm SYMMETRIC_DEFAULT");
    }
  }

  private static void requireDefaultPolicyName(JsonNode req) {
    if (!req.path("PolicyName").asText("default").equals("default")) {
      throw AwsErrors.notFound("No such policy exists");
    }
  }

  private static void validateKeyPolicy(String policy) {
    try {
      PolicyEvaluator.validate(policy, true);
    } catch (IllegalArgumentException e) {
      throw AwsErrors.malformedKeyPolicy(e.getMessage());
    }
  }

  private static void validateAliasName(String name) {
    if (!name.matches("alias/[a-zA-Z0-9/_-]{1,250}")) {
      throw AwsErrors.validation(
          Service.KMS,
          "1 validation error detected: Value '"
              + name
              + "' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$");
    }
    if (name.startsWith("alias/aws/")) {
      throw AwsErrors.invalidAliasName("Alias must not begin with 'alias/aws/'");
    }
  }

  private static String required(JsonNode req, String field) {
    JsonNode v = req.get(field);
    if (v == null || v.isNull() || v.asText().isEmpty()) {
      String member = Character.toLowerCase(field.charAt(0)) + field.substring(1);
      throw AwsErrors.validation(
          Service.KMS,
          "1 validation error detected: Value null at '"
              + member
              + "' failed to satisfy constraint: Member must not be null");
    }
    return v.asText();
  }

  private static byte[] blob(JsonNode req, String field) {
    try {
      return Base64.getDecoder().decode(required(req, field));
    } catch (IllegalArgumentException e) {
      throw AwsErrors.serialization("Field " + field + " is not valid base64");
    }
  }

  private static double epochSeconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

  private static String keyArn(String region, String account, String keyId) {
    return "arn:aws:kms:" + region + ":" + account + ":key/" + keyId;
  }

  private static String aliasArn(String region, String account, String aliasName) {
    return "arn:aws:kms:" + region + ":" + account + ":" + aliasName;
  }

  private static String defaultPolicy(String accountId) {
    return "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n"
        + "    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n"
        + "    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::"
        + accountId
        + ":root\"\n    },\n"
        + "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";
  }
}
