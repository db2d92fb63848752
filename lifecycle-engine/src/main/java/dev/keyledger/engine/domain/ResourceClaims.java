package dev.keyledger.engine.domain;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.command.NoteClaimAttempt;
import dev.keyledger.avro.command.RefuseClaim;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.command.SettleClaims;
import dev.keyledger.avro.state.ResourceClaim;
import dev.keyledger.avro.state.TenantState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One customer key, one tenant: a CMK, a role with its external id, and an external id are each
 * bound to at most one tenant. The rule is decided in one place for all tenants (the claims topic
 * has one partition and one processor, {@code ClaimsProcessor}), and is pure, so the in-memory log
 * of the tests applies it the same way.
 *
 * <p>A registration (either dialect) is a claim on the resources its binding names ({@link
 * #resources}): the key behind the ARN or alias as KMS resolved it, the role with its external id,
 * and the external id alone. When none is held by another tenant the claim is granted and the
 * registration goes on, unchanged, to the tenant's fold, which decides it as always. When one is,
 * the claimer's fold gets {@link RefuseClaim} under the registration's own command id (so the
 * sender's wait ends with a 409) and each holder's fold gets {@link NoteClaimAttempt}; neither
 * names the other tenant.
 *
 * <p>The fold has the last word on what a tenant keeps: after every command that answers a claim or
 * changes the binding it sends {@link SettleClaims} back ({@link #settlement}). A resource is given
 * up when its holder's binding no longer uses it and no registration of the holder that names it is
 * still on its way to the fold ({@link ResourceClaim#getPending}), so a release racing a new
 * registration of the same key never frees a key that ends up bound.
 */
public final class ResourceClaims {

  /** A CMK: the key id in its account (a multi-region key's replicas are one key). */
  public static final String KEY = "key";

  /** An IAM role with the external id its trust policy requires (none included). */
  public static final String ROLE = "role";

  /** An external id, whoever chose it. */
  public static final String EXTERNAL_ID = "external_id";

  /** The principal of the commands the claims processor sends a holder's fold. */
  public static final String CLAIMS_ACTOR = "keyledger-claims";

  private static final Pattern KEY_ARN =
      Pattern.compile("arn:([a-z-]+):kms:[a-z0-9-]+:(\\d{12}):key/([A-Za-z0-9-]+)");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:([a-z-]+):iam::(\\d{12}):role/(?:[^/]*/)*([^/]+)");

  private ResourceClaims() {}

  /** Where the claims processor reads and writes what each resource's holder is. */
  public interface Book {
    Optional<ResourceClaim> get(String resource);

    void put(String resource, ResourceClaim claim);

    void delete(String resource);
  }

  /** Whether a command payload claims resources (and goes through the claims topic). */
  public static boolean isClaim(Object payload) {
    return payload instanceof RegisterKey;
  }

  /**
   * The resources a binding names, each as {@code kind:identity}: {@code key:PARTITION:ACCOUNT:ID}
   * (the resolved key ARN without its region, so every replica of a multi-region key is the same
   * key), {@code role:PARTITION:ACCOUNT:name#EXTERNAL_ID} (IAM role names are unique in an account
   * regardless of case and path) and {@code external_id:VALUE} (compared exactly, as {@code
   * sts:ExternalId} is).
   */
  public static List<String> resources(CmkBinding cmk) {
    List<String> resources = new ArrayList<>(3);
    String keyArn = cmk.getKeyArn() == null ? cmk.getKeyRef() : cmk.getKeyArn();
    Matcher key = KEY_ARN.matcher(keyArn);
    resources.add(
        KEY
            + ":"
            + (key.matches()
                ? key.group(1) + ":" + key.group(2) + ":" + key.group(3).toLowerCase(Locale.ROOT)
                : keyArn));
    String externalId = cmk.getExternalId();
    if (cmk.getRoleArn() != null) {
      Matcher role = ROLE_ARN.matcher(cmk.getRoleArn());
      String identity =
          role.matches()
              ? role.group(1) + ":" + role.group(2) + ":" + role.group(3).toLowerCase(Locale.ROOT)
              : cmk.getRoleArn();
      resources.add(ROLE + ":" + identity + "#" + (externalId == null ? "" : externalId));
    }
    if (externalId != null) {
      resources.add(EXTERNAL_ID + ":" + externalId);
    }
    return resources;
  }

  /**
   * The kind of a resource of {@link #resources}: {@link #KEY}, {@link #ROLE} or {@link
   * #EXTERNAL_ID}.
   */
  public static String kind(String resource) {
    return resource.substring(0, resource.indexOf(':'));
  }

  /** The resources the tenant's binding uses now: none unless a CMK is bound. */
  public static List<String> held(TenantState state) {
    return TenantStates.status(state).isBound()
        ? resources(state.getBinding().getCmk())
        : List.of();
  }

  /**
   * What one record of the claims topic led to.
   *
   * @param toFolds the commands to send to the folds, each keyed by its tenant id: the registration
   *     itself when granted; {@link RefuseClaim} for the claimer and {@link NoteClaimAttempt} for
   *     each holder when refused; nothing for a {@link SettleClaims}. Any other command passes
   *     through.
   * @param conflicts resources a settled binding uses that another tenant holds (two bindings of
   *     one key folded before claims existed): left with their holder, for the operator to see
   */
  public record Routed(List<CommandEnvelope> toFolds, List<String> conflicts) {}

  /** Processes one record of the claims topic. */
  public static Routed process(Book book, CommandEnvelope command) {
    Object payload = command.getPayload();
    if (payload instanceof SettleClaims settle) {
      return new Routed(List.of(), settle(book, command.getTenantId(), settle));
    }
    if (!(payload instanceof RegisterKey register)) {
      return new Routed(List.of(command), List.of());
    }
    String claimer = command.getTenantId();
    List<String> wanted = resources(register.getCmk());
    Map<String, Set<String>> takenByHolder = new LinkedHashMap<>();
    for (String resource : wanted) {
      book.get(resource)
          .filter(claim -> !claim.getHolder().equals(claimer))
          .ifPresent(
              claim ->
                  takenByHolder
                      .computeIfAbsent(claim.getHolder(), h -> new LinkedHashSet<>())
                      .add(kind(resource)));
    }
    if (takenByHolder.isEmpty()) {
      for (String resource : wanted) {
        ResourceClaim claim =
            book.get(resource)
                .orElse(
                    ResourceClaim.newBuilder()
                        .setHolder(claimer)
                        .setPending(0)
                        .setBound(false)
                        .build());
        book.put(
            resource, ResourceClaim.newBuilder(claim).setPending(claim.getPending() + 1).build());
      }
      return new Routed(List.of(command), List.of());
    }
    Set<String> taken = new LinkedHashSet<>();
    takenByHolder.values().forEach(taken::addAll);
    List<CommandEnvelope> out = new ArrayList<>(1 + takenByHolder.size());
    out.add(
        CommandEnvelope.newBuilder(command)
            .setPayload(
                RefuseClaim.newBuilder()
                    .setClaimed(register)
                    .setResources(List.copyOf(taken))
                    .build())
            .build());
    takenByHolder.forEach(
        (holder, kinds) ->
            out.add(
                CommandEnvelope.newBuilder()
                    .setCommandId(derivedId(command.getCommandId(), "claim-attempt/" + holder))
                    .setTenantId(holder)
                    .setIssuedAt(command.getIssuedAt())
                    .setActor(Actor.newBuilder().setSub(CLAIMS_ACTOR).setRoles(List.of()).build())
                    .setLatencyMs(0)
                    .setPayload(
                        NoteClaimAttempt.newBuilder().setResources(List.copyOf(kinds)).build())
                    .build()));
    return new Routed(out, List.of());
  }

  /**
   * What a folded command did to the tenant's claims, to send to the claims topic; empty when it
   * answered no claim and changed no resource of the binding.
   *
   * @param before the tenant's state before the command
   * @param after its state after the command's events
   */
  public static Optional<CommandEnvelope> settlement(
      TenantState before, TenantState after, CommandEnvelope command) {
    List<String> settled =
        command.getPayload() instanceof RegisterKey register
            ? resources(register.getCmk())
            : List.of();
    List<String> was = held(before);
    List<String> bound = held(after);
    if (settled.isEmpty() && was.equals(bound)) {
      return Optional.empty();
    }
    Set<String> unbound = new LinkedHashSet<>(was);
    unbound.addAll(settled);
    bound.forEach(unbound::remove);
    return Optional.of(
        settleCommand(
            before.getTenantId(),
            derivedId(command.getCommandId(), "settle"),
            command,
            SettleClaims.newBuilder()
                .setSettled(settled)
                .setBound(bound)
                .setUnbound(List.copyOf(unbound))
                .build()));
  }

  /**
   * The claims of a binding folded before claims existed (or before its claims topic was new), sent
   * once per fold task ({@code CommandFoldProcessor}).
   */
  public static Optional<CommandEnvelope> backfill(TenantState state, Instant at) {
    List<String> bound = held(state);
    if (bound.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        CommandEnvelope.newBuilder()
            .setCommandId(derivedId(state.getTenantId() + "@" + state.getSeq(), "backfill"))
            .setTenantId(state.getTenantId())
            .setIssuedAt(at)
            .setActor(Actor.newBuilder().setSub(CLAIMS_ACTOR).setRoles(List.of()).build())
            .setLatencyMs(0)
            .setPayload(SettleClaims.newBuilder().setBound(bound).build())
            .build());
  }

  /**
   * Applies the fold's word on one tenant's claims. A resource its binding uses is the tenant's if
   * free; one held by another tenant stays theirs (two bindings of one key from before claims
   * existed: reported as {@link Routed#conflicts}).
   *
   * @return the resources the tenant's binding uses that another tenant holds
   */
  private static List<String> settle(Book book, String tenant, SettleClaims settle) {
    List<String> conflicts = new ArrayList<>();
    Map<String, ResourceClaim> touched = new LinkedHashMap<>();
    for (String resource : settle.getSettled()) {
      mine(book, tenant, resource)
          .ifPresent(
              c ->
                  touched.put(
                      resource,
                      ResourceClaim.newBuilder(c)
                          .setPending(Math.max(0, c.getPending() - 1))
                          .build()));
    }
    for (String resource : settle.getBound()) {
      ResourceClaim claim = touched.containsKey(resource) ? touched.get(resource) : null;
      if (claim == null) {
        Optional<ResourceClaim> found = book.get(resource);
        if (found.isPresent() && !found.get().getHolder().equals(tenant)) {
          conflicts.add(resource);
          continue;
        }
        claim =
            found.orElse(
                ResourceClaim.newBuilder().setHolder(tenant).setPending(0).setBound(true).build());
      }
      touched.put(resource, ResourceClaim.newBuilder(claim).setBound(true).build());
    }
    for (String resource : settle.getUnbound()) {
      ResourceClaim claim =
          touched.containsKey(resource)
              ? touched.get(resource)
              : mine(book, tenant, resource).orElse(null);
      if (claim != null) {
        touched.put(resource, ResourceClaim.newBuilder(claim).setBound(false).build());
      }
    }
    touched.forEach(
        (resource, claim) -> {
          if (claim.getPending() == 0 && !claim.getBound()) {
            book.delete(resource);
          } else {
            book.put(resource, claim);
          }
        });
    return conflicts;
  }

  private static Optional<ResourceClaim> mine(Book book, String tenant, String resource) {
    return book.get(resource).filter(c -> c.getHolder().equals(tenant));
  }

  private static CommandEnvelope settleCommand(
      String tenant, String commandId, CommandEnvelope cause, SettleClaims settle) {
    return CommandEnvelope.newBuilder()
        .setCommandId(commandId)
        .setTenantId(tenant)
        .setIssuedAt(cause.getIssuedAt())
        .setActor(Actor.newBuilder().setSub(CLAIMS_ACTOR).setRoles(List.of()).build())
        .setLatencyMs(0)
        .setPayload(settle)
        .build();
  }

  private static String derivedId(String commandId, String purpose) {
    return "cmd_"
        + UUID.nameUUIDFromBytes((commandId + "/" + purpose).getBytes(StandardCharsets.UTF_8));
  }
}
