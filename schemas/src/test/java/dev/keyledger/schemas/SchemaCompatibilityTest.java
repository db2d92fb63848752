package dev.keyledger.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.ResourceClaim;
import dev.keyledger.avro.state.TenantState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Data written with every released schema version must still be read by the current code. */
class SchemaCompatibilityTest {

  static Stream<Arguments> topLevelRecords() {
    return Stream.of(
        Arguments.of(CommandEnvelope.getClassSchema(), Codecs.COMMANDS),
        Arguments.of(EventEnvelope.getClassSchema(), Codecs.EVENTS),
        Arguments.of(CommandOutcome.getClassSchema(), Codecs.OUTCOMES),
        Arguments.of(KeyMaterial.getClassSchema(), Codecs.KEY_MATERIAL),
        Arguments.of(TenantState.getClassSchema(), Codecs.TENANT_STATE),
        Arguments.of(DekState.getClassSchema(), Codecs.DEK_STATE),
        Arguments.of(ResourceClaim.getClassSchema(), Codecs.RESOURCE_CLAIM),
        Arguments.of(Alert.getClassSchema(), Codecs.ALERTS),
        Arguments.of(AlertState.getClassSchema(), Codecs.ALERT_STATE));
  }

  @ParameterizedTest
  @MethodSource("topLevelRecords")
  void currentSchemaReadsEveryReleasedVersion(Schema current, RecordCodec<?> codec)
      throws Exception {
    List<Schema> released = ReleasedSchemas.versionsOf(current.getFullName());
    assertThat(released).as("every top-level record is released").isNotEmpty();
    for (Schema writer : released) {
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, writer).getType())
          .as("%s reads %s", current.getFullName(), writer)
          .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
      RandomRecords random = new RandomRecords(42);
      BinaryMessageEncoder<GenericData.Record> oldWriter =
          new BinaryMessageEncoder<>(GenericData.get(), writer);
      for (int i = 0; i < 200; i++) {
        GenericData.Record written = (GenericData.Record) random.next(writer);
        byte[] bytes = oldWriter.encode(written).array();
        Object read = codec.decode(bytes);
        assertThat(read.toString()).as("record %d", i).isNotEmpty();
      }
    }
  }

  @Test
  void theNewestReleasedSchemaIsTheCurrentOne() throws IOException {
    // A schema change must come with a new released version file (and this test then compares
    // against it).
    String current;
    try (InputStream in = Files.newInputStream(Path.of("src/main/avro/keyledger.avsc"))) {
      current = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String newest = ReleasedSchemas.VERSIONS.get(ReleasedSchemas.VERSIONS.size() - 1);
    Map<String, Schema> released = ReleasedSchemas.parse(newest);
    Schema.Parser parser = new Schema.Parser();
    parser.parse(current);
    assertThat(parser.getTypes().keySet()).isEqualTo(released.keySet());
    parser
        .getTypes()
        .forEach(
            (name, schema) ->
                assertThat(parsingForm(schema))
                    .as(name)
                    .isEqualTo(parsingForm(released.get(name))));
  }

  @Test
  void garbageIsUndecodableNotACrash() {
    assertThatThrownBy(() -> Codecs.EVENTS.decode("not avro".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("dev.keyledger.avro.EventEnvelope");
    assertThatThrownBy(
            () -> Codecs.COMMANDS.decode(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9}))
        .isInstanceOf(UndecodableRecordException.class);
    assertThatThrownBy(() -> Codecs.COMMANDS.decode(null))
        .isInstanceOf(UndecodableRecordException.class);
  }

  private static String parsingForm(Schema schema) {
    return org.apache.avro.SchemaNormalization.toParsingForm(schema);
  }
}
