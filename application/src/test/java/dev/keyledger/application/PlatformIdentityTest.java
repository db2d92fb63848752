package dev.keyledger.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.envelope.SecretBytes;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformIdentityTest {

  private static final String PRINCIPAL = "arn:aws:iam::000000000000:role/keyledger-service";

  @Test
  void namesThePlatformPrincipalAndItsAccount() {
    PlatformIdentity.ForTenant identity = identity(secret(1), PRINCIPAL).forTenant(caller("acme"));

    assertThat(identity.platformPrincipalArn()).isEqualTo(PRINCIPAL);
    assertThat(identity.platformAccountId()).isEqualTo("000000000000");
  }

  @Test
  void theExternalIdIsShortReadableAndInTheStsAlphabet() {
    String id = identity(secret(1), PRINCIPAL).forTenant(caller("acme")).externalId();

    assertThat(id).matches("kl(-[a-z2-7]{6}){4}").matches("[\\w+=,.@:/-]{2,1224}");
  }

  @Test
  void theSameSecretGivesTheSameIdOnEveryInstance() {
    String one = identity(secret(1), PRINCIPAL).forTenant(caller("acme")).externalId();
    String other = identity(secret(1), PRINCIPAL).forTenant(caller("acme")).externalId();

    assertThat(other).isEqualTo(one);
  }

  @Test
  void tenantsAndSecretsGiveDifferentIds() {
    PlatformIdentity platform = identity(secret(1), PRINCIPAL);
    List<String> ids =
        List.of(
            platform.forTenant(caller("acme")).externalId(),
            platform.forTenant(caller("globex")).externalId(),
            platform.forTenant(caller("acme2")).externalId(),
            identity(secret(2), PRINCIPAL).forTenant(caller("acme")).externalId());

    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void anUnconfiguredPrincipalStillGivesTheExternalId() {
    PlatformIdentity.ForTenant identity = identity(secret(1), null).forTenant(caller("acme"));

    assertThat(identity.platformPrincipalArn()).isNull();
    assertThat(identity.platformAccountId()).isNull();
    assertThat(identity.externalId())
        .isEqualTo(identity(secret(1), PRINCIPAL).forTenant(caller("acme")).externalId());
  }

  @Test
  void refusesAShortSecretAndANonIamPrincipal() {
    assertThatThrownBy(() -> new PlatformIdentity(SecretBytes.copyOf(new byte[16]), PRINCIPAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> identity(secret(1), "arn:aws:kms:us-east-1:000000000000:key/abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IAM role or user ARN");
  }

  private static PlatformIdentity identity(SecretBytes secret, String principal) {
    return new PlatformIdentity(secret, principal);
  }

  private static SecretBytes secret(int fill) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) fill);
    return SecretBytes.copyOf(bytes);
  }

  private static Caller caller(String tenant) {
    return new Caller("admin@" + tenant, tenant, List.of("admin"), "127.0.0.1", null);
  }
}
