package dev.keyledger.application;

import dev.keyledger.avro.command.ProvisionKeys;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.KeyMint;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * Platform-managed keys for every tenant from its first use (SPEC §3c): a tenant's first data-plane
 * or key call gives it TMK v1 wrapped by the platform key (wrap method {@code platform}) and DEK
 * v1, through the fold as {@code ProvisionKeys}. A tenant whose BYOK ended by erasure gets new ones
 * the same way. Concurrent first calls each send one; the fold accepts the first and makes the
 * others no-ops (their unused key material is tombstoned), so every caller then uses the same keys.
 */
public final class PlatformKeys {

  private final TenantReader reader;
  private final KeyMint mint;
  private final Commands commands;

  public PlatformKeys(TenantReader reader, KeyMint mint, Commands commands) {
    this.reader = reader;
    this.mint = mint;
    this.commands = commands;
  }

  /**
   * The caller's tenant state, with platform-managed keys made first when it has no active TMK.
   *
   * @throws Stop when the keys cannot be made now (the log unreachable, the fold not answering)
   */
  TenantState ensure(Caller caller) {
    Optional<TenantState> state = reader.tenant(caller.tenant());
    if (state.flatMap(TenantStates::activeTmk).isPresent()) {
      return state.get();
    }
    provision(caller, state.orElse(TenantStates.empty(caller.tenant())));
    return reader.tenant(caller.tenant()).orElseThrow();
  }

  /** {@link #ensure} for the callers that read DEK records too. */
  TenantView ensureView(Caller caller) {
    Optional<TenantView> view = reader.view(caller.tenant());
    if (view.map(TenantView::state).flatMap(TenantStates::activeTmk).isPresent()) {
      return view.get();
    }
    provision(caller, view.map(TenantView::state).orElse(TenantStates.empty(caller.tenant())));
    return reader.view(caller.tenant()).orElseThrow();
  }

  private void provision(Caller caller, TenantState state) {
    KeyMint.Minted minted;
    try {
      minted =
          mint.underPlatformKey(
              caller.tenant(),
              TenantStates.nextTmkVersion(state),
              TenantStates.nextDekVersion(state));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("making platform-managed keys failed", e);
    }
    commands.run(
        caller,
        ProvisionKeys.newBuilder().setTmk(minted.tmk()).setDek(minted.dek()).build(),
        minted.material());
  }
}
