package dev.keyledger.engine.domain;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.ReleasedSchemas;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Moving a state of the pre-v4 layout (DEK records inside it) to the v4 layout. */
class StateLayoutTest {

  private final TestCommands acme = new TestCommands("acme");

  /** A history that touches every derived field: rotations, a rewrap, a lost version, usage. */
  private TenantMemory folded() {
    TenantMemory memory = new TenantMemory();
    for (CommandEnvelope command :
        List.of(
            acme.registerWithDek(KEY_ARN, 1, 1),
            acme.acknowledge("1.0"),
            acme.rotateDek(2, 1),
            acme.rotateDek(3, 1),
            acme.usage(5, 2, 3))) {
      assertThat(memory.fold(command).outcome().getAccepted()).isTrue();
    }
    long lease = memory.fold(acme.rotateMaster(2)).state().getRewrap().getLeaseId();
    assertThat(memory.fold(acme.rewrap(lease, 2, 1, 2)).outcome().getAccepted()).isTrue();
    assertThat(memory.fold(acme.rotateMaster(3)).outcome().getAccepted()).isTrue();
    assertThat(memory.fold(acme.revokeAllowingDataLoss(1)).outcome().getAccepted())
        .as("destroys TMK v1 with DEK v3 still under it")
        .isTrue();
    return memory;
  }

  /** The same tenant as a pre-v4 fold left it: every DEK record in the state, nothing derived. */
  private static TenantState legacy(TenantState state, List<DekState> deks) {
    return TenantStates.builder(state)
        .setDeks(deks)
        .setActiveDek(null)
        .setLastDekVersion(0)
        .setTmkVersions(
            state.getTmkVersions().stream()
                .map(v -> TmkVersionState.newBuilder(v).setLiveDeks(0).build())
                .toList())
        .build();
  }

  @Test
  void aLegacyStateSplitsIntoExactlyWhatTheV4FoldKeeps() {
    TenantMemory memory = folded();
    TenantState state = memory.state("acme");
    List<DekState> deks = memory.deks("acme").all();
    assertThat(deks).extracting(d -> d.getStatus()).containsExactly("retired", "retired", "lost");
    assertThat(state.getTmkVersions()).extracting(v -> v.getLiveDeks()).containsExactly(0, 2, 0);

    StateLayout.Split split = StateLayout.split(legacy(state, deks));

    assertThat(split.state()).isEqualTo(state);
    assertThat(split.deks()).isEqualTo(deks);
    assertThat(Codecs.TENANT_STATE.encode(split.state()))
        .as("bit for bit")
        .isEqualTo(Codecs.TENANT_STATE.encode(state));
  }

  @Test
  void aStateWrittenWithSchemaV3IsReadWithItsDekRecordsAndSplit() throws Exception {
    TenantMemory memory = folded();
    TenantState state = memory.state("acme");
    List<DekState> deks = memory.deks("acme").all();
    byte[] v3Bytes = writtenWithV3(legacy(state, deks));

    TenantState read = Codecs.TENANT_STATE.decode(v3Bytes);

    assertThat(StateLayout.isLegacy(read)).isTrue();
    assertThat(List.copyOf(read.getDeks())).isEqualTo(deks);
    StateLayout.Split split = StateLayout.split(read);
    assertThat(split.state()).isEqualTo(state);
    assertThat(split.deks()).isEqualTo(deks);
  }

  @Test
  void aV4StateIsLeftAsItIs() {
    TenantState state = folded().state("acme");
    assertThat(StateLayout.isLegacy(state)).isFalse();
    assertThat(StateLayout.split(state).state()).isSameAs(state);
    assertThat(StateLayout.split(state).deks()).isEmpty();
  }

  @Test
  void foldingOnFromASplitLegacyStateGivesWhatFoldingOnFromTheV4StateGives() {
    TenantMemory memory = folded();
    TenantState state = memory.state("acme");
    List<DekState> deks = memory.deks("acme").all();
    StateLayout.Split split = StateLayout.split(legacy(state, deks));
    TenantMemory migrated = new TenantMemory();
    migrated.write(
        "acme", new Fold.Result(split.state(), split.deks(), List.of(), null, List.of(), null));

    CommandEnvelope next = acme.rotateDek(4, 3);
    Fold.Result onV4 = memory.fold(next);
    Fold.Result onMigrated = migrated.fold(next);

    assertThat(onMigrated.outcome().getAccepted()).isTrue();
    assertThat(onMigrated.events()).isEqualTo(onV4.events());
    assertThat(onMigrated.state()).isEqualTo(onV4.state());
    assertThat(migrated.deks("acme").all()).isEqualTo(memory.deks("acme").all());
  }

  /** The v4 record written field by field with the released v3 schema, as a v3 node wrote it. */
  private static byte[] writtenWithV3(TenantState state) throws Exception {
    Schema v3 = ReleasedSchemas.all().get(2).get(TenantState.getClassSchema().getFullName());
    byte[] v4Body = Codecs.TENANT_STATE.encode(state);
    // Read the v4 bytes as a v3 generic record (the resolution drops the v4-only fields).
    GenericData plain = new GenericData(); // no logical-type conversions: timestamps stay longs
    GenericDatumReader<GenericData.Record> reader =
        new GenericDatumReader<>(TenantState.getClassSchema(), v3, plain);
    GenericData.Record asV3 =
        reader.read(null, DecoderFactory.get().binaryDecoder(v4Body, 10, v4Body.length - 10, null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericData.Record>(plain, v3).encode(asV3, out);
    return out.toByteArray();
  }
}
