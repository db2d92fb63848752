package dev.keyledger.engine.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.WaiverText;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.RewrapState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class TenantStatesTest {

  private static final Instant AT = Instant.parse("2026-11-01T10:00:00Z");

  /** A state in which no field holds its default, so a field the builder drops shows. */
  private static TenantState everyFieldSet() {
    TmkRef tmk =
        TmkRef.newBuilder()
            .setTmkId("tmk-1")
            .setVersion(1)
            .setWrapMethod("platform")
            .setFingerprint("f")
            .build();
    DekRef dek =
        DekRef.newBuilder()
            .setDekId("dek-1")
            .setVersion(1)
            .setTmkVersion(1)
            .setFingerprint("g")
            .build();
    return TenantState.newBuilder()
        .setTenantId("acme")
        .setSeq(7)
        .setLastHash("h")
        .setLastEventAt(AT)
        .setBinding(
            BindingState.newBuilder()
                .setKeyId("k")
                .setDialect("tenant")
                .setCmk(
                    dev.keyledger.avro.CmkBinding.newBuilder()
                        .setProvider("aws")
                        .setKeyRef("r")
                        .setKeyArn("a")
                        .setRegion("eu-west-1")
                        .build())
                .setStatus("active")
                .setRegisteredBy("u")
                .setRegisteredAt(AT)
                .setProbeEncryptMs(1)
                .setProbeDecryptMs(1)
                .build())
        .setTmkVersions(
            List.of(
                TmkVersionState.newBuilder()
                    .setTmk(tmk)
                    .setStatus("active")
                    .setCreatedAt(AT)
                    .setLiveDeks(1)
                    .build()))
        .setWaiver(
            WaiverText.newBuilder()
                .setWaiverVersion("1.0")
                .setEffectiveDate("2026-01-01")
                .setTitle("t")
                .setContent("c")
                .setTerms(List.of("a"))
                .build())
        .setDeks(
            List.of(DekState.newBuilder().setDek(dek).setStatus("active").setCreatedAt(AT).build()))
        .setRewrap(
            RewrapState.newBuilder()
                .setLeaseId(3)
                .setToTmkVersion(1)
                .setTotal(1)
                .setDone(0)
                .setStartedAt(AT)
                .build())
        .setEncryptionCount(5)
        .setDecryptionCount(6)
        .setLastUsed(AT)
        .setLastRotationAt(AT)
        .setActiveDek(dek)
        .setLastDekVersion(1)
        .setReservations(
            List.of(
                dev.keyledger.avro.state.Reservation.newBuilder()
                    .setReporter("node-1")
                    .setDekVersion(1)
                    .setEncryptions(8)
                    .build()))
        .build();
  }

  @Test
  void theFixtureSetsEveryFieldOfTheSchema() {
    TenantState state = everyFieldSet();
    TenantState defaults = TenantStates.empty("acme");
    for (Schema.Field field : TenantState.getClassSchema().getFields()) {
      if (field.name().equals("tenant_id")) {
        continue;
      }
      assertThat(Objects.equals(state.get(field.pos()), defaults.get(field.pos())))
          .as("field %s differs from the empty state's", field.name())
          .isFalse();
    }
  }

  @Test
  void theBuilderKeepsEveryFieldAndCopiesNone() {
    TenantState state = everyFieldSet();
    TenantState copy = TenantStates.builder(state).build();
    assertThat(copy).isEqualTo(state);
    assertThat(copy.getTmkVersions())
        .as("shared, not deep-copied")
        .isSameAs(state.getTmkVersions());
    assertThat(copy.getBinding()).isSameAs(state.getBinding());
  }
}
