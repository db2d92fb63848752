package dev.keyledger.client;

/**
 * {@code 503 tenant_sealed}: KeyLedger cannot use the tenant's customer-managed key (the customer
 * disabled it, revoked the grant, scheduled it for deletion, or their KMS is unreachable), so it
 * refuses to encrypt, decrypt or open sessions for that tenant.
 *
 * <p>Fail closed: do not retry in a loop and do not fall back to any other key or to storing
 * plaintext. The client never retries this. KeyLedger unseals by itself once the key is usable
 * again (it re-checks every 30 s), or after a manual unseal; tell the tenant's administrator to
 * restore access to their key.
 */
public final class TenantSealedException extends KeyLedgerException {

  private static final long serialVersionUID = 1L;

  TenantSealedException(ErrorInfo info) {
    super(info, null);
  }
}
