package dev.keyledger.schemas;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.ResourceClaim;
import dev.keyledger.avro.state.TenantState;

/** The codec of each top-level record KeyLedger writes to Kafka or to a state store. */
public final class Codecs {

  public static final RecordCodec<CommandEnvelope> COMMANDS =
      AvroCodec.of(CommandEnvelope.getClassSchema());
  public static final RecordCodec<EventEnvelope> EVENTS =
      AvroCodec.of(EventEnvelope.getClassSchema());
  public static final RecordCodec<CommandOutcome> OUTCOMES =
      AvroCodec.of(CommandOutcome.getClassSchema());
  public static final RecordCodec<KeyMaterial> KEY_MATERIAL =
      AvroCodec.of(KeyMaterial.getClassSchema());
  public static final RecordCodec<TenantState> TENANT_STATE =
      AvroCodec.of(TenantState.getClassSchema());
  public static final RecordCodec<DekState> DEK_STATE = AvroCodec.of(DekState.getClassSchema());
  public static final RecordCodec<ResourceClaim> RESOURCE_CLAIM =
      AvroCodec.of(ResourceClaim.getClassSchema());

  public static final RecordCodec<Alert> ALERTS = AvroCodec.of(Alert.getClassSchema());
  public static final RecordCodec<AlertState> ALERT_STATE =
      AvroCodec.of(AlertState.getClassSchema());

  private Codecs() {}
}
