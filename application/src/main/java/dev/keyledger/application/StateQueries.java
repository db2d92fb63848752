package dev.keyledger.application;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.workers.LocalTenants;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.projections.query.AuditFilter;
import dev.keyledger.projections.query.AuditPage;
import java.util.List;

/**
 * Port: reads of the fold's and the projections' stores for one tenant. Each answer says whether
 * this instance had it, another owns it, or nobody can answer right now.
 */
public interface StateQueries extends LocalTenants {

  /** The fold's own state of a tenant: read-your-writes once a command's outcome is known. */
  QueryResult<TenantState> tenantState(String tenantId);

  /**
   * The platform's state ({@code TenantIds.PLATFORM}: the published waiver versions), readable on
   * every instance (a global table); it follows a publication within moments.
   */
  QueryResult<TenantState> platformState();

  /**
   * The tenant's state with its DEK records on demand: the data plane's read, cheap while the state
   * is unchanged.
   */
  QueryResult<TenantView> tenantView(String tenantId);

  /**
   * Up to {@code limit} of the tenant's DEK records below version {@code beforeVersion}, newest
   * first.
   */
  QueryResult<List<DekState>> deksNewestFirst(String tenantId, int beforeVersion, int limit);

  /** The outcome of one of the tenant's commands. */
  QueryResult<CommandOutcome> outcome(String tenantId, String commandId);

  /** A key-material record by its record key ({@code MaterialKeys}). */
  QueryResult<KeyMaterial> keyMaterial(String key);

  /** A page of the tenant's audit trail, newest first. */
  QueryResult<AuditPage> audit(String tenantId, AuditFilter filter);

  /** The tenant's alerts: open ones and the last resolved ones (SPEC §5). */
  QueryResult<AlertState> alerts(String tenantId);

  /** Re-walks the tenant's whole hash chain. */
  QueryResult<ChainReport> verifyChain(String tenantId);
}
