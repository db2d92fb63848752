package dev.keyledger.client;

/**
 * {@code 410 key_destroyed}: the tenant master key version that wrapped this ciphertext's DEK was
 * cryptographically erased, so the data is permanently unreadable. {@link #detail()} names the
 * version. Treat the data as deleted; retrying cannot help.
 */
public final class KeyDestroyedException extends KeyLedgerException {

  private static final long serialVersionUID = 1L;

  KeyDestroyedException(ErrorInfo info) {
    super(info, null);
  }
}
