package dev.keyledger.edge.api;

import dev.keyledger.application.Caller;
import dev.keyledger.application.LegalWaiver;
import dev.keyledger.avro.WaiverText;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Outcomes;
import dev.keyledger.edge.http.RequestLimits;
import dev.keyledger.engine.domain.RewrapStatus;
import dev.keyledger.engine.domain.TenantStates;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * The legal waiver: read, acknowledge (activates BYOK), status, and platform publication of new
 * versions.
 */
public final class WaiverController {

  /** Body of {@code POST /api/v1/byok/legal-waiver}. */
  public record AcknowledgeRequest(
      Boolean acknowledged, String acknowledgedBy, List<String> acknowledgedTerms) {}

  /** Body of {@code PUT /admin/legal-waiver}. */
  public record PublishRequest(
      String waiverVersion,
      String effectiveDate,
      String title,
      String content,
      List<String> terms) {}

  record Waiver(
      String waiverVersion,
      String effectiveDate,
      String title,
      String content,
      List<String> terms,
      boolean requiresAcknowledgment) {}

  record Published(
      String waiverVersion,
      String effectiveDate,
      String title,
      String content,
      List<String> terms,
      boolean published) {
    static Published of(WaiverText w) {
      return new Published(
          w.getWaiverVersion(),
          w.getEffectiveDate(),
          w.getTitle(),
          w.getContent(),
          w.getTerms(),
          true);
    }
  }

  record Acknowledged(
      boolean acknowledged,
      String waiverVersion,
      String acknowledgedBy,
      Instant acknowledgedAt,
      String byokStatus,
      String wrapMethod,
      String rewrapStatus) {
    static Acknowledged of(TenantState state) {
      BindingState b = state.getBinding();
      return new Acknowledged(
          true,
          b.getWaiverVersion(),
          b.getWaiverAcknowledgedBy(),
          b.getWaiverAcknowledgedAt(),
          b.getStatus(),
          TenantStates.activeTmk(state).map(v -> v.getTmk().getWrapMethod()).orElse(null),
          RewrapStatus.of(state).wire());
    }
  }

  record Status(
      boolean acknowledged,
      String waiverVersion,
      Instant acknowledgedAt,
      String currentWaiverVersion,
      boolean requiresReacknowledgment) {}

  private final Guard guard;
  private final LegalWaiver waiver;

  public WaiverController(Guard guard, LegalWaiver waiver) {
    this.guard = guard;
    this.waiver = waiver;
  }

  public void get(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    Outcomes.respond(
        ctx,
        waiver.standing(caller),
        s -> {
          WaiverText w = s.current();
          boolean requires =
              s.binding().map(b -> !w.getWaiverVersion().equals(b.getWaiverVersion())).orElse(true);
          return new Waiver(
              w.getWaiverVersion(),
              w.getEffectiveDate(),
              w.getTitle(),
              w.getContent(),
              w.getTerms(),
              requires);
        });
  }

  public void acknowledge(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.OWNER, Role.ADMIN);
    AcknowledgeRequest body = Bodies.read(ctx, AcknowledgeRequest.class);
    List<String> terms = Bodies.texts(body.acknowledgedTerms(), "acknowledged_terms");
    Outcomes.respond(
        ctx,
        waiver.acknowledge(
            caller,
            body.acknowledged(),
            Bodies.bounded(body.acknowledgedBy(), "acknowledged_by"),
            terms),
        Acknowledged::of);
  }

  public void status(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    Outcomes.respond(
        ctx,
        waiver.standing(caller),
        s -> {
          String current = s.current().getWaiverVersion();
          String acknowledged = s.binding().map(BindingState::getWaiverVersion).orElse(null);
          return new Status(
              acknowledged != null,
              acknowledged,
              s.binding().map(BindingState::getWaiverAcknowledgedAt).orElse(null),
              current,
              acknowledged != null && !acknowledged.equals(current));
        });
  }

  public void publish(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.PLATFORM);
    PublishRequest body = Bodies.read(ctx, PublishRequest.class);
    for (String[] field :
        new String[][] {
          {"waiver_version", body.waiverVersion()},
          {"effective_date", body.effectiveDate()},
          {"title", body.title()}
        }) {
      if (field[1] == null
          || field[1].isBlank()
          || field[1].length() > RequestLimits.MAX_WAIVER_FIELD_CHARS) {
        throw ApiException.badRequest(
            "invalid_request",
            field[0]
                + " is required (at most "
                + RequestLimits.MAX_WAIVER_FIELD_CHARS
                + " characters)",
            null);
      }
    }
    if (body.content() == null
        || body.content().isBlank()
        || body.content().length() > RequestLimits.MAX_WAIVER_CONTENT_CHARS) {
      throw ApiException.badRequest(
          "invalid_request",
          "content is required (at most " + RequestLimits.MAX_WAIVER_CONTENT_CHARS + " characters)",
          null);
    }
    List<String> terms = Bodies.texts(body.terms(), "terms");
    WaiverText text =
        WaiverText.newBuilder()
            .setWaiverVersion(body.waiverVersion())
            .setEffectiveDate(body.effectiveDate())
            .setTitle(body.title())
            .setContent(body.content())
            .setTerms(terms)
            .build();
    Outcomes.respond(ctx, waiver.publish(caller, text), Published::of);
  }
}
