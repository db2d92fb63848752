package dev.keyledger.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class DataAeadPropertyTest {
  private static final DekRef DEK_REF = new DekRef("dek-1", 1);
  private final DataAead aead = DataAead.create(TestKeys.newAes256(), DEK_REF);

  @Property(tries = 200)
  void roundTrips(
      @ForAll("tenants") String tenant,
      @ForAll @Size(max = 2048) byte[] plaintext,
      @ForAll("contexts") Map<String, String> context)
      throws Exception {
    assertThat(aead.decrypt(tenant, aead.encrypt(tenant, plaintext, context), context))
        .isEqualTo(plaintext);
  }

  @Property(tries = 500)
  void tamperingWithAnyByteFails(
      @ForAll @Size(max = 64) byte[] plaintext,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll @IntRange(min = 1, max = 255) int flip)
      throws Exception {
    byte[] ct = aead.encrypt("tenant-a", plaintext, Map.of("k", "v"));
    int position = where % ct.length;
    ct[position] ^= (byte) flip;
    DataAeadTest.assertInvalidCiphertext(() -> aead.decrypt("tenant-a", ct, Map.of("k", "v")));
  }

  @Property(tries = 300)
  void appendingOrDroppingBytesFails(
      @ForAll @Size(max = 64) byte[] plaintext,
      @ForAll @Size(min = 1, max = 8) byte[] extra,
      @ForAll @IntRange(min = 1, max = 8) int drop)
      throws Exception {
    byte[] ct = aead.encrypt("tenant-a", plaintext, null);
    byte[] longer = Arrays.copyOf(ct, ct.length + extra.length);
    System.arraycopy(extra, 0, longer, ct.length, extra.length);
    DataAeadTest.assertInvalidCiphertext(() -> aead.decrypt("tenant-a", longer, null));
    DataAeadTest.assertInvalidCiphertext(
        () -> aead.decrypt("tenant-a", Arrays.copyOf(ct, ct.length - drop), null));
  }

  @Property(tries = 1000)
  void associatedDataIsInjective(
      @ForAll("tenants") String tenantA,
      @ForAll("contexts") Map<String, String> contextA,
      @ForAll("tenants") String tenantB,
      @ForAll("contexts") Map<String, String> contextB) {
    Assume.that(!tenantA.equals(tenantB) || !contextA.equals(contextB));
    assertThat(DataAead.associatedData(tenantA, DEK_REF, contextA))
        .isNotEqualTo(DataAead.associatedData(tenantB, DEK_REF, contextB));
  }

  @Property(tries = 1000)
  void splittingAStringDifferentlyBetweenKeyAndValueChangesTheAad(
      @ForAll("splittable") String text,
      @ForAll @IntRange(min = 1, max = 20) int cutA,
      @ForAll @IntRange(min = 1, max = 20) int cutB) {
    Assume.that(text.length() >= 2);
    int a = 1 + cutA % (text.length() - 1);
    int b = 1 + cutB % (text.length() - 1);
    Assume.that(a != b);
    Map<String, String> first = Map.of(text.substring(0, a), text.substring(a));
    Map<String, String> second = Map.of(text.substring(0, b), text.substring(b));
    assertThat(DataAead.associatedData("t", DEK_REF, first))
        .isNotEqualTo(DataAead.associatedData("t", DEK_REF, second));
  }

  @Property(tries = 300)
  void aadDependsOnlyOnContentNotMapOrder(@ForAll("contexts") Map<String, String> context) {
    Map<String, String> reversed = new TreeMap<String, String>(Comparator.reverseOrder());
    reversed.putAll(context);
    assertThat(DataAead.associatedData("t", DEK_REF, reversed))
        .isEqualTo(DataAead.associatedData("t", DEK_REF, context));
  }

  @Provide
  Arbitrary<String> tenants() {
    return Arbitraries.strings().withCharRange('a', 'd').ofMinLength(1).ofMaxLength(4);
  }

  @Provide
  Arbitrary<String> splittable() {
    return Arbitraries.strings()
        .withCharRange('a', 'c')
        .withChars('é', '中')
        .ofMinLength(2)
        .ofMaxLength(6);
  }

  @Provide
  Arbitrary<Map<String, String>> contexts() {
    Arbitrary<String> keys =
        Arbitraries.strings()
            .withCharRange('a', 'c')
            .withChars('é', '\u00ff')
            .ofMinLength(1)
            .ofMaxLength(3);
    Arbitrary<String> values =
        Arbitraries.strings().withCharRange('a', 'c').withChars('中').ofMaxLength(3);
    return Arbitraries.maps(keys, values).ofMaxSize(4);
  }
}
