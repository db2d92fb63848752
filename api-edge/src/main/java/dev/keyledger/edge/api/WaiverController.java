package dev.keyledger.edge.api;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.WaiverText;
import dev.keyledger.avro.command.AcknowledgeWaiver;
import dev.keyledger.avro.command.PublishWaiver;
import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.service.CommandFactory;
import dev.keyledger.edge.service.CommandRunner;
import dev.keyledger.edge.service.KeyOnboarding;
import dev.keyledger.edge.service.TenantReader;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.Waivers;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The legal waiver: read, acknowledge (activates BYOK), status, and platform publication of new versions. */
public final class WaiverController {

  /** Body of {@code POST /api/v1/byok/legal-waiver}. */
  public record AcknowledgeRequest(Boolean acknowledged, String acknowledgedBy, List<String> acknowledgedTerms) {}

  /** Body of {@code PUT /admin/legal-waiver}. */
  public record PublishRequest(String waiverVersion, String effectiveDate, String title, String content, List<String> terms) {}

  private final Guard guard;
  private final TenantReader reader;
  private final CommandFactory commands;
  private final CommandRunner runner;

  public WaiverController(Guard guard, TenantReader reader, CommandFactory commands, CommandRunner runner) {
    this.guard = guard;
    this.reader = reader;
    this.commands = commands;
    this.runner = runner;
  }

  public void get(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, null, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    WaiverText waiver = current();
    Optional<BindingState> binding = reader.tenant(caller.tenant()).flatMap(TenantStates::binding);
    Map<String, Object> view = waiverView(waiver);
    view.put("requires_acknowledgment", binding.map(b -> !waiver.getWaiverVersion().equals(b.getWaiverVersion())).orElse(true));
    ctx.json(view);
  }

  public void acknowledge(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, null, Role.OWNER, Role.ADMIN);
    AcknowledgeRequest body = Bodies.read(ctx, AcknowledgeRequest.class);
    if (!Boolean.TRUE.equals(body.acknowledged())) {
      throw reject(caller, Refusals.of("waiver_not_acknowledged", "BYOK_004", 400, "Waiver not acknowledged: \"acknowledged\" must be true",
          "Read GET /api/v1/byok/legal-waiver, then send {\"acknowledged\": true, \"acknowledged_by\": \"you@example.com\"}."));
    }
    String by = Bodies.bounded(body.acknowledgedBy(), "acknowledged_by");
    if (by == null || by.isBlank()) {
      throw reject(caller, Refusals.of("invalid_request", null, 400, "acknowledged_by is required",
          "Name the person acknowledging, e.g. their email address."));
    }
    List<String> terms = body.acknowledgedTerms() == null ? List.of() : body.acknowledgedTerms();
    if (terms.size() > 32) {
      throw ApiException.badRequest("invalid_request", "acknowledged_terms has more than 32 entries", null);
    }
    terms.forEach(t -> Bodies.bounded(t, "acknowledged_terms[]"));
    WaiverText waiver = current();
    runner.run(command(caller, AcknowledgeWaiver.newBuilder().setWaiverVersion(waiver.getWaiverVersion())
        .setAcknowledgedBy(by).setAcknowledgedTerms(terms).build()), List.of());
    TenantState state = reader.tenant(caller.tenant()).orElseThrow();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("acknowledged", true);
    answer.put("waiver_version", waiver.getWaiverVersion());
    answer.put("acknowledged_by", by);
    answer.put("acknowledged_at", state.getBinding().getWaiverAcknowledgedAt());
    answer.put("byok_status", state.getBinding().getStatus());
    ctx.json(answer);
  }

  public void status(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, null, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    String current = current().getWaiverVersion();
    Optional<BindingState> binding = reader.tenant(caller.tenant()).flatMap(TenantStates::binding);
    String acknowledged = binding.map(BindingState::getWaiverVersion).orElse(null);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("acknowledged", acknowledged != null);
    answer.put("waiver_version", acknowledged);
    answer.put("acknowledged_at", binding.map(BindingState::getWaiverAcknowledgedAt).orElse(null));
    answer.put("current_waiver_version", current);
    answer.put("requires_reacknowledgment", acknowledged != null && !acknowledged.equals(current));
    ctx.json(answer);
  }

  public void publish(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, null, Role.PLATFORM);
    PublishRequest body = Bodies.read(ctx, PublishRequest.class);
    for (String[] field : new String[][] {{"waiver_version", body.waiverVersion()}, {"effective_date", body.effectiveDate()},
        {"title", body.title()}}) {
      if (field[1] == null || field[1].isBlank() || field[1].length() > 200) {
        throw ApiException.badRequest("invalid_request", field[0] + " is required (at most 200 characters)", null);
      }
    }
    if (body.content() == null || body.content().isBlank() || body.content().length() > 20_000) {
      throw ApiException.badRequest("invalid_request", "content is required (at most 20000 characters)", null);
    }
    List<String> terms = body.terms() == null ? List.of() : body.terms();
    terms.forEach(t -> Bodies.bounded(t, "terms[]"));
    WaiverText waiver = WaiverText.newBuilder().setWaiverVersion(body.waiverVersion()).setEffectiveDate(body.effectiveDate())
        .setTitle(body.title()).setContent(body.content()).setTerms(terms).build();
    CommandEnvelope publish = commands.create(TenantIds.PLATFORM, caller.principal(), caller.ip(), caller.requestId(), 0,
        PublishWaiver.newBuilder().setWaiver(waiver).build());
    runner.run(publish, List.of());
    Map<String, Object> answer = waiverView(waiver);
    answer.put("published", true);
    ctx.json(answer);
  }

  private WaiverText current() {
    return Waivers.current(reader.platform().orElse(null));
  }

  private static Map<String, Object> waiverView(WaiverText waiver) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("waiver_version", waiver.getWaiverVersion());
    view.put("effective_date", waiver.getEffectiveDate());
    view.put("title", waiver.getTitle());
    view.put("content", waiver.getContent());
    view.put("terms", waiver.getTerms());
    return view;
  }

  private ApiException reject(KeyOnboarding.Caller caller, dev.keyledger.avro.Refusal refusal) {
    return runner.refuse(command(caller, RejectRequest.newBuilder().setOperation(Operations.ACKNOWLEDGE_WAIVER).setRefusal(refusal).build()),
        ApiException.of(refusal));
  }

  private CommandEnvelope command(KeyOnboarding.Caller caller, Object payload) {
    return commands.create(caller.tenant(), caller.principal(), caller.ip(), caller.requestId(), 0, payload);
  }
}
