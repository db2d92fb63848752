package dev.keyledger.edge.node;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.envelope.SecretBytes;
import java.util.Optional;

/**
 * The secrets an instance got from its configuration, held in memory only. What is empty the
 * instance reads from (or creates in) its data dir, as dev mode does.
 *
 * @param jwt the HS256 secret of KeyLedger's own tokens ({@code auth.jwt.secret.file})
 * @param platformKey the platform key ({@code platform.key.file} or {@code platform.key}); the node
 *     copies it, so these settings can start a node again after a stop
 * @param externalIdSecret the secret external ids are derived from ({@code
 *     kms.external.id.secret.file}); copied likewise
 */
public record NodeSecrets(
    Optional<JwtKeys> jwt,
    Optional<SecretBytes> platformKey,
    Optional<SecretBytes> externalIdSecret) {

  /** Every secret from the data dir. */
  public static final NodeSecrets FROM_DATA_DIR =
      new NodeSecrets(Optional.empty(), Optional.empty(), Optional.empty());
}
