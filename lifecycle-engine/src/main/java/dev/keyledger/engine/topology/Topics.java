package dev.keyledger.engine.topology;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.ResourceClaims;
import dev.keyledger.schemas.Codecs;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics and state stores of KeyLedger, all under one name prefix (default {@code keyledger}).
 * Immutable; serdes are always passed explicitly from here.
 */
public final class Topics {

  /** Persistent store of the fold: tenant id -> TenantState. */
  public static final String TENANT_STATE_STORE = "tenant-state";

  /** The fold's DEK records, keyed by {@link DekKeys}: beside the tenant state, not in it. */
  public static final String TENANT_DEKS_STORE = "tenant-deks";

  /**
   * The platform's state ({@code TenantIds.PLATFORM}: published waiver versions), a global table
   * materialized from the platform topic on every instance.
   */
  public static final String PLATFORM_STORE = "platform-state";

  /**
   * The claims processor's store: resource ({@code ResourceClaims.resources}) -> the tenant that
   * holds it.
   */
  public static final String RESOURCE_CLAIMS_STORE = "resource-claims";

  /** The fold's own marks, per task: whether this task's bindings were sent as claims. */
  public static final String FOLD_MARKS_STORE = "fold-marks";

  /** Wrapped TMK bytes by {@code tenant/tmk_id}, materialized from the key-material topic. */
  public static final String KEY_MATERIAL_STORE = "key-material";

  private final Topic<String, byte[]> commands;
  private final Topic<String, EventEnvelope> events;
  private final Topic<String, CommandOutcome> outcomes;
  private final Topic<String, KeyMaterial> keyMaterial;
  private final Topic<String, byte[]> deadLetter;
  private final Topic<String, Alert> alerts;
  private final Topic<String, TenantState> platform;
  private final Topic<String, byte[]> claims;

  public Topics(String prefix) {
    this.commands = new Topic<>(prefix + ".commands", Serdes.String(), Serdes.ByteArray(), false);
    this.events =
        new Topic<>(prefix + ".events", Serdes.String(), new CodecSerde<>(Codecs.EVENTS), false);
    this.outcomes =
        new Topic<>(
            prefix + ".outcomes", Serdes.String(), new CodecSerde<>(Codecs.OUTCOMES), false);
    this.keyMaterial =
        new Topic<>(
            prefix + ".key-material", Serdes.String(), new CodecSerde<>(Codecs.KEY_MATERIAL), true);
    this.deadLetter =
        new Topic<>(prefix + ".dead-letter", Serdes.String(), Serdes.ByteArray(), false);
    this.alerts =
        new Topic<>(prefix + ".alerts", Serdes.String(), new CodecSerde<>(Codecs.ALERTS), false);
    this.platform =
        new Topic<>(
            prefix + ".platform", Serdes.String(), new CodecSerde<>(Codecs.TENANT_STATE), true);
    this.claims = new Topic<>(prefix + ".claims", Serdes.String(), Serdes.ByteArray(), false);
  }

  public static Topics defaults() {
    return new Topics("keyledger");
  }

  /** Commands keyed by tenant id; raw bytes so that an undecodable record can be dead-lettered. */
  public Topic<String, byte[]> commands() {
    return commands;
  }

  /** The hash-chained event log keyed by tenant id. Never holds key material. */
  public Topic<String, EventEnvelope> events() {
    return events;
  }

  /** One outcome per command, keyed by tenant id. */
  public Topic<String, CommandOutcome> outcomes() {
    return outcomes;
  }

  /** Compacted; keyed {@code tenant/tmk_id}; erasure is a tombstone. */
  public Topic<String, KeyMaterial> keyMaterial() {
    return keyMaterial;
  }

  /** Commands that could not be decoded, as they were, with the reason in headers. */
  public Topic<String, byte[]> deadLetter() {
    return deadLetter;
  }

  /** Alerts opened and resolved (SPEC §5), keyed by tenant id, written by the projections. */
  public Topic<String, Alert> alerts() {
    return alerts;
  }

  /**
   * Compacted; the platform's latest state under its key ({@code TenantIds.PLATFORM}), written by
   * the fold with each platform command, read by every instance as a global table.
   */
  public Topic<String, TenantState> platform() {
    return platform;
  }

  /**
   * One partition, so every claim on a resource is decided in one place: registrations (commands
   * keyed by tenant id, as the gateway writes them) and the fold's {@code SettleClaims}. Raw bytes,
   * as the commands topic.
   */
  public Topic<String, byte[]> claims() {
    return claims;
  }

  /**
   * The topic a command goes to: {@link #claims} when it claims resources, else {@link #commands}.
   */
  public Topic<String, byte[]> commandsTopicFor(Object commandPayload) {
    return ResourceClaims.isClaim(commandPayload) ? claims : commands;
  }

  public List<Topic<?, ?>> all() {
    return List.of(commands, events, outcomes, keyMaterial, deadLetter, alerts, platform, claims);
  }
}
