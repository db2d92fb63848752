package dev.keyledger.benchmarks;

import dev.keyledger.engine.crypto.Keys;
import dev.keyledger.envelope.DataAead;
import dev.keyledger.envelope.DekRef;
import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Envelope encryption ({@link DataAead}: AAD encoding, header, random nonce, AES-256-GCM) against a
 * raw AES-256-GCM baseline doing only what the JDK requires per message: a new random IV and a
 * {@code Cipher.init} on a reused {@code Cipher}, no AAD. Both in the same run, same sizes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DataAeadBenchmark {
  private static final String TENANT = "tenant-7c1e2f";
  private static final Map<String, String> CONTEXT = Map.of("purpose", "agent-memory");

  @Param({"256", "1024", "16384"})
  public int size;

  private byte[] plaintext;
  private DataAead aead;
  private byte[] envelope;

  private final SecureRandom random = new SecureRandom();
  private SecretKeySpec rawKey;
  private Cipher rawCipher;
  private byte[] rawIv;
  private byte[] rawCiphertext;

  @Setup
  public void setUp() throws GeneralSecurityException {
    plaintext = new byte[size];
    random.nextBytes(plaintext);
    SecretBytes dek = Keys.newAes256();
    aead = DataAead.create(dek, new DekRef("dek-0b9f4c2a", 1));
    envelope = aead.encrypt(TENANT, plaintext, CONTEXT);

    rawKey = new SecretKeySpec(dek.toByteArray(), "AES");
    rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
    rawIv = new byte[12];
    random.nextBytes(rawIv);
    rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, rawIv));
    rawCiphertext = rawCipher.doFinal(plaintext);
  }

  @Benchmark
  public byte[] envelopeEncrypt() throws GeneralSecurityException {
    return aead.encrypt(TENANT, plaintext, CONTEXT);
  }

  @Benchmark
  public byte[] envelopeDecrypt() throws GeneralSecurityException {
    return aead.decrypt(TENANT, envelope, CONTEXT);
  }

  @Benchmark
  public byte[] rawGcmEncrypt() throws GeneralSecurityException {
    byte[] iv = new byte[12];
    random.nextBytes(iv);
    rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, iv));
    return rawCipher.doFinal(plaintext);
  }

  @Benchmark
  public byte[] rawGcmDecrypt() throws GeneralSecurityException {
    rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, rawIv));
    return rawCipher.doFinal(rawCiphertext);
  }
}
