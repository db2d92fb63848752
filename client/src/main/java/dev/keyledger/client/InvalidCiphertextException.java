package dev.keyledger.client;

/**
 * {@code 400 invalid_ciphertext}: the ciphertext was tampered with or truncated, or it was
 * decrypted with a different context than it was encrypted with. Retrying cannot help; check the
 * stored bytes and the context passed to {@link KeyLedgerClient#decrypt(byte[], java.util.Map)}.
 */
public final class InvalidCiphertextException extends KeyLedgerException {

  private static final long serialVersionUID = 1L;

  InvalidCiphertextException(ErrorInfo info) {
    super(info, null);
  }
}
