package dev.keyledger.engine.workers;

import dev.keyledger.engine.keys.KeyUnavailableException;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * Names why a key could not be had, for logs: the KMS failure's wire name, never key bytes or
 * ciphertext.
 */
final class UnwrapFailures {

  private UnwrapFailures() {}

  static String kindOf(GeneralSecurityException e) {
    if (e instanceof KeyUnavailableException unavailable) {
      return unavailable
          .kms()
          .map(kms -> kms.failure().wireName())
          .orElse(unavailable.reason().name().toLowerCase(Locale.ROOT));
    }
    return e.getClass().getSimpleName();
  }
}
