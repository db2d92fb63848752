package dev.keyledger.engine.domain;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static dev.keyledger.engine.testing.TestCommands.OTHER_KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.command.NoteClaimAttempt;
import dev.keyledger.avro.command.RefuseClaim;
import dev.keyledger.avro.command.SettleClaims;
import dev.keyledger.avro.state.ResourceClaim;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.testing.TestCommands;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The claim rule alone: which resources a binding names, grants, refusals and releases. */
class ResourceClaimsTest {

  private static final String ROLE = "arn:aws:iam::111122223333:role/KeyLedgerAccess";

  private final TestCommands acme = new TestCommands("acme");
  private final TestCommands globex = new TestCommands("globex");
  private final MapBook book = new MapBook();

  @Test
  void aKeyIsTheSameResourceByItsArnThroughAnAliasAndInEveryRegionOfAMultiRegionKey() {
    CmkBinding byAlias =
        CmkBinding.newBuilder(TestCommands.cmk("arn:aws:kms:us-east-1:111122223333:alias/app"))
            .setKeyArn(KEY_ARN)
            .build();
    CmkBinding replica = TestCommands.cmk(OTHER_KEY_ARN.replace("us-east-1", "eu-west-1"));

    assertThat(ResourceClaims.resources(byAlias))
        .isEqualTo(ResourceClaims.resources(TestCommands.cmk(KEY_ARN)))
        .containsExactly("key:aws:111122223333:1234abcd-12ab-34cd-56ef-1234567890ab");
    assertThat(ResourceClaims.resources(replica))
        .isEqualTo(ResourceClaims.resources(TestCommands.cmk(OTHER_KEY_ARN)));
  }

  @Test
  void aRoleIsNamedWithItsExternalIdWhateverTheCaseAndPathOfItsNameAndTheExternalIdAlone() {
    CmkBinding withRole = withRole(KEY_ARN, ROLE, "ext-1");
    CmkBinding samRoleOtherSpelling =
        withRole(KEY_ARN, "arn:aws:iam::111122223333:role/team/keyledgeraccess", "ext-1");

    assertThat(ResourceClaims.resources(withRole))
        .containsExactly(
            "key:aws:111122223333:1234abcd-12ab-34cd-56ef-1234567890ab",
            "role:aws:111122223333:keyledgeraccess#ext-1",
            "external_id:ext-1");
    assertThat(ResourceClaims.resources(samRoleOtherSpelling))
        .isEqualTo(ResourceClaims.resources(withRole));
    assertThat(ResourceClaims.resources(withRole(KEY_ARN, ROLE, null)))
        .contains("role:aws:111122223333:keyledgeraccess#")
        .noneMatch(r -> r.startsWith("external_id:"));
  }

  @Test
  void aFreeKeyIsGrantedAndTheRegistrationGoesOnUnchanged() {
    CommandEnvelope register = acme.register(KEY_ARN, 1);

    ResourceClaims.Routed routed = ResourceClaims.process(book, register);

    assertThat(routed.toFolds()).containsExactly(register);
    assertThat(book.holder(key(KEY_ARN))).contains("acme");
    assertThat(book.claims.get(key(KEY_ARN)).getPending()).isEqualTo(1);
  }

  @Test
  void anotherTenantsKeyIsRefusedToTheClaimerUnderItsCommandIdAndNotedToTheHolder() {
    ResourceClaims.process(book, acme.register(KEY_ARN, 1));
    CommandEnvelope theirs = globex.register(KEY_ARN, 1);

    List<CommandEnvelope> out = ResourceClaims.process(book, theirs).toFolds();

    assertThat(out).hasSize(2);
    CommandEnvelope refusal = out.get(0);
    assertThat(refusal.getTenantId()).isEqualTo("globex");
    assertThat(refusal.getCommandId()).isEqualTo(theirs.getCommandId());
    assertThat(refusal.getPayload())
        .isInstanceOfSatisfying(
            RefuseClaim.class,
            r -> {
              assertThat(r.getResources()).containsExactly(ResourceClaims.KEY);
              assertThat(r.getClaimed()).isEqualTo(theirs.getPayload());
            });
    CommandEnvelope note = out.get(1);
    assertThat(note.getTenantId()).isEqualTo("acme");
    assertThat(note.getPayload())
        .isEqualTo(NoteClaimAttempt.newBuilder().setResources(List.of("key")).build());
    assertThat(note.toString()).doesNotContain("globex").doesNotContain("alice@example.com");
    assertThat(refusal.getPayload().toString()).doesNotContain("acme");
    assertThat(book.holder(key(KEY_ARN))).contains("acme");
  }

  @Test
  void anExternalIdAnotherTenantUsesIsRefusedWithAnyRoleAndAnyKey() {
    ResourceClaims.process(book, acme.onboard(withRole(KEY_ARN, ROLE, "shared-ext"), 1));

    List<CommandEnvelope> out =
        ResourceClaims.process(
                book,
                globex.onboard(
                    withRole(OTHER_KEY_ARN, "arn:aws:iam::444455556666:role/Other", "shared-ext"),
                    1))
            .toFolds();

    assertThat(out.get(0).getPayload())
        .isInstanceOfSatisfying(
            RefuseClaim.class,
            r -> assertThat(r.getResources()).containsExactly(ResourceClaims.EXTERNAL_ID));
    assertThat(book.claims).allSatisfy((r, c) -> assertThat(c.getHolder()).isEqualTo("acme"));
  }

  @Test
  void theHolderClaimingAgainIsGrantedAndSettlingBothLeavesItBound() {
    CommandEnvelope first = acme.register(KEY_ARN, 1);
    CommandEnvelope again = acme.onboard(KEY_ARN, 2);
    ResourceClaims.process(book, first);

    assertThat(ResourceClaims.process(book, again).toFolds()).containsExactly(again);
    assertThat(book.claims.get(key(KEY_ARN)).getPending()).isEqualTo(2);

    settle("acme", List.of(key(KEY_ARN)), List.of(key(KEY_ARN)), List.of());
    settle("acme", List.of(key(KEY_ARN)), List.of(key(KEY_ARN)), List.of());
    assertThat(book.claims.get(key(KEY_ARN)))
        .isEqualTo(
            ResourceClaim.newBuilder().setHolder("acme").setPending(0).setBound(true).build());
  }

  @Test
  void aRegistrationTheFoldRefusedGivesTheKeyUp() {
    ResourceClaims.process(book, acme.register(KEY_ARN, 1));

    settle("acme", List.of(key(KEY_ARN)), List.of(), List.of(key(KEY_ARN)));

    assertThat(book.claims).isEmpty();
  }

  @Test
  void theEndOfABindingGivesItsKeyUpAndAnotherTenantMayThenClaimIt() {
    ResourceClaims.process(book, acme.register(KEY_ARN, 1));
    settle("acme", List.of(key(KEY_ARN)), List.of(key(KEY_ARN)), List.of());

    settle("acme", List.of(), List.of(), List.of(key(KEY_ARN)));
    CommandEnvelope theirs = globex.register(KEY_ARN, 1);

    assertThat(ResourceClaims.process(book, theirs).toFolds()).containsExactly(theirs);
    assertThat(book.holder(key(KEY_ARN))).contains("globex");
  }

  @Test
  void aReleaseByAnotherTenantLeavesTheHoldersClaim() {
    ResourceClaims.process(book, acme.register(KEY_ARN, 1));
    settle("acme", List.of(key(KEY_ARN)), List.of(key(KEY_ARN)), List.of());

    settle("globex", List.of(key(KEY_ARN)), List.of(), List.of(key(KEY_ARN)));

    assertThat(book.holder(key(KEY_ARN))).contains("acme");
    assertThat(book.claims.get(key(KEY_ARN)).getBound()).isTrue();
  }

  @Test
  void aReleaseRacingANewRegistrationOfTheSameKeyDoesNotFreeIt() {
    // Bound to the key, the tenant deregisters and registers it again at once: the new
    // registration is granted (pending) before the fold's release of the old binding arrives.
    ResourceClaims.process(book, acme.register(KEY_ARN, 1));
    settle("acme", List.of(key(KEY_ARN)), List.of(key(KEY_ARN)), List.of());
    ResourceClaims.process(book, acme.register(KEY_ARN, 2));

    settle("acme", List.of(), List.of(), List.of(key(KEY_ARN)));
    assertThat(ResourceClaims.process(book, globex.register(KEY_ARN, 1)).toFolds())
        .first()
        .satisfies(c -> assertThat(c.getPayload()).isInstanceOf(RefuseClaim.class));

    settle("acme", List.of(key(KEY_ARN)), List.of(key(KEY_ARN)), List.of());
    assertThat(book.claims.get(key(KEY_ARN)).getBound()).isTrue();
  }

  @Test
  void theFoldSettlesARegistrationAndReleasesWhatAnUpsertReplaced() {
    Fold.Result first =
        Fold.apply(TenantStates.empty("acme"), DekRecords.NONE, acme.register(KEY_ARN, 1));
    assertThat(first.claims().getPayload())
        .isEqualTo(
            SettleClaims.newBuilder()
                .setSettled(List.of(key(KEY_ARN)))
                .setBound(List.of(key(KEY_ARN)))
                .setUnbound(List.of())
                .build());

    Fold.Result upsert = Fold.apply(first.state(), DekRecords.NONE, acme.onboard(OTHER_KEY_ARN, 2));

    assertThat(upsert.claims().getPayload())
        .isEqualTo(
            SettleClaims.newBuilder()
                .setSettled(List.of(key(OTHER_KEY_ARN)))
                .setBound(List.of(key(OTHER_KEY_ARN)))
                .setUnbound(List.of(key(KEY_ARN)))
                .build());
  }

  @Test
  void theFoldReleasesARefusedRegistrationsKeyOnlyWhereTheBindingDoesNotUseIt() {
    TenantState bound =
        Fold.apply(TenantStates.empty("acme"), DekRecords.NONE, acme.register(KEY_ARN, 1)).state();

    Fold.Result twice = Fold.apply(bound, DekRecords.NONE, acme.register(KEY_ARN, 2));
    Fold.Result other = Fold.apply(bound, DekRecords.NONE, acme.register(OTHER_KEY_ARN, 2));

    assertThat(twice.outcome().getAccepted()).isFalse();
    assertThat(((SettleClaims) twice.claims().getPayload()).getUnbound()).isEmpty();
    assertThat(other.outcome().getAccepted()).isFalse();
    assertThat(((SettleClaims) other.claims().getPayload()).getUnbound())
        .containsExactly(key(OTHER_KEY_ARN));
  }

  @Test
  void endingByokReleasesTheKeyAndACommandThatChangesNoBindingSettlesNothing() {
    TenantState bound =
        Fold.apply(TenantStates.empty("acme"), DekRecords.NONE, acme.register(KEY_ARN, 1)).state();

    assertThat(Fold.apply(bound, DekRecords.NONE, acme.acknowledge("1.0")).claims()).isNull();
    Fold.Result ended = Fold.apply(bound, DekRecords.NONE, acme.endByok(1));

    assertThat(ended.outcome().getAccepted()).isTrue();
    assertThat(ended.claims().getPayload())
        .isEqualTo(
            SettleClaims.newBuilder()
                .setSettled(List.of())
                .setBound(List.of())
                .setUnbound(List.of(key(KEY_ARN)))
                .build());
  }

  @Test
  void theFoldRefusesAClaimUnderTheOriginalIdWithoutNamingTheHolderAndErasesItsMaterial() {
    ResourceClaims.process(book, acme.register(KEY_ARN, 1));
    CommandEnvelope refusal =
        ResourceClaims.process(book, globex.register(KEY_ARN, 1)).toFolds().get(0);

    Fold.Result result = Fold.apply(TenantStates.empty("globex"), DekRecords.NONE, refusal);

    assertThat(result.outcome().getAccepted()).isFalse();
    assertThat(result.outcome().getCommandId()).isEqualTo(refusal.getCommandId());
    assertThat(result.outcome().getRefusal().getType()).isEqualTo("bound_to_another_tenant");
    assertThat(result.outcome().getRefusal().getKind()).isEqualTo(RefusalKind.CONFLICT.wire());
    assertThat(result.outcome().getRefusal().getReason()).isEqualTo("key");
    assertThat(result.outcome().getRefusal().getHint()).contains("kms:EncryptionContext:tenant_id");
    assertThat(result.events().toString()).doesNotContain("acme");
    assertThat(result.erasedMaterial())
        .containsExactly(MaterialKeys.tmk("globex", "tmk-1-customer_kms"));
    assertThat(result.claims()).as("nothing was granted, nothing to settle").isNull();
  }

  @Test
  void aBindingFromBeforeClaimsIsClaimedByTheBackfillUnlessAnotherTenantHoldsItsKey() {
    TenantState bound =
        Fold.apply(TenantStates.empty("acme"), DekRecords.NONE, acme.register(KEY_ARN, 1)).state();
    CommandEnvelope backfill = ResourceClaims.backfill(bound, Instant.EPOCH).orElseThrow();

    assertThat(ResourceClaims.process(book, backfill).conflicts()).isEmpty();
    assertThat(book.holder(key(KEY_ARN))).contains("acme");
    assertThat(ResourceClaims.backfill(TenantStates.empty("globex"), Instant.EPOCH)).isEmpty();

    TenantState alsoBound =
        Fold.apply(TenantStates.empty("globex"), DekRecords.NONE, globex.register(KEY_ARN, 1))
            .state();
    assertThat(
            ResourceClaims.process(
                    book, ResourceClaims.backfill(alsoBound, Instant.EPOCH).orElseThrow())
                .conflicts())
        .containsExactly(key(KEY_ARN));
    assertThat(book.holder(key(KEY_ARN))).contains("acme");
  }

  private void settle(
      String tenant, List<String> settled, List<String> bound, List<String> unbound) {
    ResourceClaims.process(
        book,
        new TestCommands(tenant)
            .envelope(
                SettleClaims.newBuilder()
                    .setSettled(settled)
                    .setBound(bound)
                    .setUnbound(unbound)
                    .build()));
  }

  private static String key(String keyArn) {
    return ResourceClaims.resources(TestCommands.cmk(keyArn)).get(0);
  }

  private static CmkBinding withRole(String keyArn, String roleArn, String externalId) {
    return CmkBinding.newBuilder(TestCommands.cmk(keyArn))
        .setRoleArn(roleArn)
        .setExternalId(externalId)
        .build();
  }

  private static final class MapBook implements ResourceClaims.Book {
    final Map<String, ResourceClaim> claims = new HashMap<>();

    Optional<String> holder(String resource) {
      return Optional.ofNullable(claims.get(resource)).map(ResourceClaim::getHolder);
    }

    @Override
    public Optional<ResourceClaim> get(String resource) {
      return Optional.ofNullable(claims.get(resource));
    }

    @Override
    public void put(String resource, ResourceClaim claim) {
      claims.put(resource, claim);
    }

    @Override
    public void delete(String resource) {
      claims.remove(resource);
    }
  }
}
