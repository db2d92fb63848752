package dev.keyledger.engine.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.TmkRef;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AwaitedKeyMaterialTest {

  private static final String KEY = "acme/tmk/tmk-1";
  private final Map<String, KeyMaterial> table = new ConcurrentHashMap<>();
  private final KeyStateSource source = key -> Optional.ofNullable(table.get(key));
  private final ExecutorService caller = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    caller.shutdownNow();
  }

  private static KeyMaterial material() {
    return KeyMaterial.newBuilder()
        .setTenantId("acme")
        .setTmk(
            TmkRef.newBuilder()
                .setTmkId("tmk-1")
                .setVersion(1)
                .setWrapMethod("platform")
                .setFingerprint("f")
                .build())
        .setWrappedKey(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .build();
  }

  @Test
  void materialInTheTableIsReturnedWithoutWaiting() {
    KeyMaterial stored = material();
    table.put(KEY, stored);
    AwaitedKeyMaterial awaited = new AwaitedKeyMaterial(source, Duration.ofMinutes(5));
    assertThat(awaited.material(KEY)).contains(stored);
    assertThat(awaited.waiting()).isZero();
  }

  @Test
  void aMissWaitsForTheRecordAndIsWokenWhenTheTableStoresIt() throws Exception {
    // A bound far longer than the test allows: only the arrival can end the wait in time.
    AwaitedKeyMaterial awaited = new AwaitedKeyMaterial(source, Duration.ofMinutes(5));
    Future<Optional<KeyMaterial>> lookup = caller.submit(() -> awaited.material(KEY));
    await().atMost(Duration.ofSeconds(10)).until(() -> awaited.waiting() == 1);
    KeyMaterial stored = material();
    table.put(KEY, stored);
    awaited.arrived(KEY);
    assertThat(lookup.get(10, TimeUnit.SECONDS)).contains(stored);
    assertThat(awaited.waiting()).isZero();
  }

  @Test
  void anArrivalOfAnotherKeyDoesNotEndTheWait() throws Exception {
    AwaitedKeyMaterial awaited = new AwaitedKeyMaterial(source, Duration.ofMinutes(5));
    Future<Optional<KeyMaterial>> lookup = caller.submit(() -> awaited.material(KEY));
    await().atMost(Duration.ofSeconds(10)).until(() -> awaited.waiting() == 1);
    awaited.arrived("acme/tmk/tmk-2");
    assertThat(lookup.isDone()).isFalse();
    assertThat(awaited.waiting()).isEqualTo(1);
    lookup.cancel(true); // interrupts the wait: the caller learns it is missing
    await().atMost(Duration.ofSeconds(10)).until(() -> awaited.waiting() == 0);
  }

  @Test
  void materialThatNeverComesIsMissingOnceTheBoundIsOver() {
    AwaitedKeyMaterial awaited = new AwaitedKeyMaterial(source, Duration.ofMillis(50));
    assertThat(awaited.material(KEY)).isEmpty();
    assertThat(awaited.waiting()).isZero();
  }

  @Test
  void aZeroBoundNeverWaits() {
    AwaitedKeyMaterial awaited = new AwaitedKeyMaterial(source, Duration.ZERO);
    assertThat(awaited.material(KEY)).isEmpty();
    assertThat(awaited.waiting()).isZero();
  }
}
