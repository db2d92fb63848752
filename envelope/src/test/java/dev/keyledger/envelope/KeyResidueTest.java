package dev.keyledger.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The copies of a key the JDK makes (a {@code SecretKeySpec}, the cipher's AES key schedule and its
 * "last key") live only with the key's {@link SecretBytes}, and {@link SecretBytes#destroy()}
 * zeroes them: afterwards nothing reachable from the key or from the thread that used it holds a
 * byte of it. Scanned through the objects' fields ({@link ReachableKeyCopies}).
 */
class KeyResidueTest {

  private static final byte[] AAD = "aad".getBytes(StandardCharsets.UTF_8);

  @Test
  void theScanFindsWhatTheJdkKeepsOfAKey() throws GeneralSecurityException {
    byte[] raw = TestKeys.newAes256().toByteArray();
    Cipher plain = Cipher.getInstance("AES/GCM/NoPadding");
    plain.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(raw, "AES"),
        new GCMParameterSpec(128, new byte[AesGcm.NONCE_BYTES]));
    plain.doFinal(new byte[16]);

    assertThat(ReachableKeyCopies.from(plain, raw).copies())
        .as("a Cipher keeps the key and its schedule")
        .isNotEmpty();
  }

  @Test
  void aKeyInUseKeepsItsCipherKeyedAndTheThreadKeepsNothing() throws GeneralSecurityException {
    SecretBytes key = TestKeys.newAes256();
    byte[] raw = key.toByteArray();

    encryptAndDecrypt(key);

    assertThat(ReachableKeyCopies.from(key, raw).copies())
        .as("the key's own cipher stays keyed until the key is destroyed")
        .isNotEmpty();
    assertThat(ReachableKeyCopies.from(Thread.currentThread(), raw).copies()).isEmpty();
  }

  @Test
  void destroyingAKeyZeroesEveryCopyItsCiphersMade() throws GeneralSecurityException {
    SecretBytes key = TestKeys.newAes256();
    byte[] raw = key.toByteArray();
    encryptAndDecrypt(key);
    KeyedCiphers ciphers = key.ciphers();
    KeyedCiphers.KeyedCipher used = ciphers.borrow(); // the idle one the operations used
    ciphers.giveBack(used);

    key.destroy();

    ReachableKeyCopies.Scan scan = ReachableKeyCopies.from(used, raw);
    assertThat(scan.visitedTypes()).contains(Cipher.class.getName());
    assertThat(scan.copies()).isEmpty();
    assertThat(ReachableKeyCopies.from(key, raw).copies()).isEmpty();
    assertThat(ReachableKeyCopies.from(Thread.currentThread(), raw).copies()).isEmpty();
  }

  @Test
  void aFailedDecryptionLeavesNothingAfterDestroyEither() throws GeneralSecurityException {
    SecretBytes key = TestKeys.newAes256();
    byte[] raw = key.toByteArray();
    byte[] sealed = sealed(key, new byte[32]);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> open(key, sealed)).isInstanceOf(GeneralSecurityException.class);
    KeyedCiphers ciphers = key.ciphers();
    KeyedCiphers.KeyedCipher used = ciphers.borrow();
    ciphers.giveBack(used);

    key.destroy();

    assertThat(ReachableKeyCopies.from(used, raw).copies()).isEmpty();
  }

  @Test
  void aCipherInUseWhileItsKeyIsDestroyedIsScrubbedWhenItComesBack()
      throws GeneralSecurityException {
    SecretBytes key = TestKeys.newAes256();
    byte[] raw = key.toByteArray();
    KeyedCiphers ciphers = key.ciphers();
    KeyedCiphers.KeyedCipher borrowed = ciphers.borrow();
    borrowed.cipher.init(
        Cipher.ENCRYPT_MODE, borrowed.key, new GCMParameterSpec(128, AesGcm.newNonce()));
    borrowed.cipher.doFinal(new byte[16]);

    key.destroy();
    assertThat(ReachableKeyCopies.from(borrowed, raw).copies())
        .as("still in use, not yet scrubbed")
        .isNotEmpty();
    ciphers.giveBack(borrowed);

    assertThat(ReachableKeyCopies.from(borrowed, raw).copies()).isEmpty();
    assertThatThrownBy(ciphers::borrow).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ciphersSharedByThreadsKeepEncryptingCorrectly() throws Exception {
    SecretBytes key = TestKeys.newAes256();
    Thread[] threads = new Thread[8];
    Throwable[] failures = new Throwable[threads.length];
    for (int t = 0; t < threads.length; t++) {
      int index = t;
      threads[t] =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 500; i++) {
                    byte[] plaintext = (index + ":" + i).getBytes(StandardCharsets.UTF_8);
                    assertThat(open(key, sealed(key, plaintext))).isEqualTo(plaintext);
                  }
                } catch (Throwable e) {
                  failures[index] = e;
                }
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).containsOnlyNulls();
  }

  private static void encryptAndDecrypt(SecretBytes key) throws GeneralSecurityException {
    byte[] plaintext = new byte[100];
    assertThat(open(key, sealed(key, plaintext))).isEqualTo(plaintext);
  }

  private static byte[] sealed(SecretBytes key, byte[] plaintext) throws GeneralSecurityException {
    byte[] nonce = AesGcm.newNonce();
    byte[] sealed = new byte[AesGcm.NONCE_BYTES + plaintext.length + AesGcm.TAG_BYTES];
    System.arraycopy(nonce, 0, sealed, 0, nonce.length);
    AesGcm.encrypt(key, nonce, AAD, plaintext, sealed, AesGcm.NONCE_BYTES);
    return sealed;
  }

  private static byte[] open(SecretBytes key, byte[] sealed) throws GeneralSecurityException {
    return AesGcm.decrypt(
        key, sealed, 0, AesGcm.NONCE_BYTES, sealed.length - AesGcm.NONCE_BYTES, AAD);
  }
}
