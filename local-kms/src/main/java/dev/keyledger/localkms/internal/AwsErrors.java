package dev.keyledger.localkms.internal;

/**
 * Every error the emulator answers, with the code, HTTP status and message text AWS uses for it.
 * Where KMS (JSON) and STS/IAM (Query) name the same failure differently, the {@link Service}
 * decides.
 */
public final class AwsErrors {
  private AwsErrors() {}

  // --- authentication (all services) ---

  public static AwsException unrecognizedClient(Service service) {
    return service == Service.KMS
        ? new AwsException(
            "UnrecognizedClientException",
            400,
            true,
            "The security token included in the request is invalid.")
        : new AwsException(
            "InvalidClientTokenId",
            403,
            true,
            "The security token included in the request is invalid.");
  }

  public static AwsException signatureMismatch(Service service) {
    String message =
        "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    return service == Service.KMS
        ? new AwsException("InvalidSignatureException", 400, true, message)
        : new AwsException("SignatureDoesNotMatch", 403, true, message);
  }

  public static AwsException signatureExpired(Service service, String detail) {
    return service == Service.KMS
        ? new AwsException("InvalidSignatureException", 400, true, "Signature expired: " + detail)
        : new AwsException("SignatureDoesNotMatch", 403, true, "Signature expired: " + detail);
  }

  public static AwsException incompleteSignature(Service service, String detail) {
    return service == Service.KMS
        ? new AwsException("IncompleteSignatureException", 400, true, detail)
        : new AwsException("IncompleteSignature", 400, true, detail);
  }

  public static AwsException missingAuthentication(Service service) {
    return service == Service.KMS
        ? new AwsException(
            "MissingAuthenticationTokenException", 400, true, "Missing Authentication Token")
        : new AwsException(
            "MissingAuthenticationToken", 403, true, "Request is missing Authentication Token");
  }

  public static AwsException expiredToken(Service service) {
    return service == Service.KMS
        ? new AwsException(
            "ExpiredTokenException",
            400,
            true,
            "The security token included in the request is expired")
        : new AwsException(
            "ExpiredToken", 403, true, "The security token included in the request is expired");
  }

  public static AwsException throttled(Service service) {
    return service == Service.KMS
        ? new AwsException("ThrottlingException", 400, true, "Rate exceeded")
        : new AwsException("Throttling", 400, true, "Rate exceeded");
  }

  public static AwsException unknownOperation(Service service, String operation) {
    return service == Service.KMS
        ? new AwsException(
            "UnknownOperationException",
            400,
            true,
            "Operation " + operation + " is not supported by local-kms")
        : new AwsException(
            "InvalidAction",
            400,
            true,
            "Could not find operation "
                + operation
                + " for version "
                + (service == Service.STS ? "2011-06-15" : "2010-05-08"));
  }

  public static AwsException validation(Service service, String message) {
    return service == Service.KMS
        ? new AwsException("ValidationException", 400, true, message)
        : new AwsException("ValidationError", 400, true, message);
  }

  public static AwsException requestTooLarge(Service service, int limit) {
    return validation(service, "Request body is larger than " + limit + " bytes");
  }

  public static AwsException serialization(String message) {
    return new AwsException("SerializationException", 400, true, message);
  }

  public static AwsException accessDenied(
      Service service, String principalArn, String action, String resourceArn, String reason) {
    String message =
        "User: "
            + principalArn
            + " is not authorized to perform: "
            + action
            + " on resource: "
            + resourceArn
            + (reason == null ? "" : " " + reason);
    return service == Service.KMS
        ? new AwsException("AccessDeniedException", 400, true, message)
        : new AwsException("AccessDenied", 403, true, message);
  }

  public static AwsException internal(Service service) {
    return service == Service.KMS
        ? new AwsException("KMSInternalException", 500, false, "local-kms internal error")
        : new AwsException("InternalFailure", 500, false, "local-kms internal error");
  }

  // --- KMS ---

  public static AwsException notFound(String message) {
    return new AwsException("NotFoundException", 400, true, message);
  }

  public static AwsException keyNotFound(String keyArnOrId) {
    return notFound("Key '" + keyArnOrId + "' does not exist");
  }

  public static AwsException aliasNotFound(String aliasArn) {
    return notFound("Alias " + aliasArn + " is not found.");
  }

  public static AwsException disabled(String keyArn) {
    return new AwsException("DisabledException", 400, true, keyArn + " is disabled.");
  }

  public static AwsException pendingDeletion(String keyArn) {
    return invalidState(keyArn + " is pending deletion.");
  }

  public static AwsException invalidState(String message) {
    return new AwsException("KMSInvalidStateException", 400, true, message);
  }

  public static AwsException incorrectKey() {
    return new AwsException(
        "IncorrectKeyException",
        400,
        true,
        "The key ID in the request does not identify a CMK that can perform this operation.");
  }

  public static AwsException invalidCiphertext() {
    return new AwsException("InvalidCiphertextException", 400, true, null);
  }

  public static AwsException alreadyExists(String message) {
    return new AwsException("AlreadyExistsException", 400, true, message);
  }

  public static AwsException malformedKeyPolicy(String message) {
    return new AwsException("MalformedPolicyDocumentException", 400, true, message);
  }

  public static AwsException invalidAliasName(String message) {
    return new AwsException("InvalidAliasNameException", 400, true, message);
  }

  // --- IAM ---

  public static AwsException noSuchEntity(String message) {
    return new AwsException("NoSuchEntity", 404, true, message);
  }

  public static AwsException entityAlreadyExists(String message) {
    return new AwsException("EntityAlreadyExists", 409, true, message);
  }

  public static AwsException deleteConflict(String message) {
    return new AwsException("DeleteConflict", 409, true, message);
  }

  public static AwsException malformedIamPolicy(String message) {
    return new AwsException("MalformedPolicyDocument", 400, true, message);
  }
}
