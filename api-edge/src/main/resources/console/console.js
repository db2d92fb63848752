// KeyLedger admin console: plain JavaScript over the same HTTP API, no framework, no inline code
// (the Content-Security-Policy allows only this origin's files). The token lives in this tab's
// memory (or its session storage when asked), is sent only to this origin in the Authorization
// header, and never appears in a URL. Text from the API is always set as text, never as HTML.
'use strict';

(() => {
  const REFRESH_MS = 5000;
  const STORAGE_KEY = 'keyledger.console.token';
  const WRITE_ROLES = ['owner', 'admin'];

  const state = {
    token: null,
    tenant: null,
    roles: [],
    page: 'kms',
    timer: null,
    platform: null,
    config: null,
    auditCursor: null,
    auditNext: null,
  };

  const $ = (id) => document.getElementById(id);
  const show = (el, visible) => { el.hidden = !visible; };

  // ---- HTTP ------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, error) {
      super(error.message || ('HTTP ' + status));
      this.status = status;
      this.type = error.type || 'http_' + status;
      this.code = error.code || null;
      this.reason = error.reason || null;
      this.hint = error.hint || null;
    }
  }

  async function api(method, path, body, headers) {
    const init = {
      method,
      headers: Object.assign({ Authorization: 'Bearer ' + state.token, Accept: 'application/json' }, headers || {}),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (!response.ok) {
      const error = new ApiError(response.status, (json && json.error) || {});
      if (response.status === 401 && state.token) {
        signOut('Your token was refused (' + error.message + '). Sign in again.');
      }
      throw error;
    }
    return { status: response.status, body: json };
  }

  // ---- formatting -------------------------------------------------------------------------------

  function when(value) {
    if (!value) return '—';
    const date = new Date(value);
    return isNaN(date) ? String(value) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  }

  function text(id, value) {
    $(id).textContent = value === null || value === undefined || value === '' ? '—' : String(value);
  }

  function statusText(id, value) {
    const el = $(id);
    el.textContent = value || '—';
    el.className = value ? 'status-' + value : '';
  }

  function notify(message, bad) {
    const el = $('notice');
    el.textContent = message;
    el.classList.toggle('bad', !!bad);
    show(el, true);
  }

  function showError(box, error) {
    box.querySelector('.error-message').textContent = error.message;
    box.querySelector('.error-reason').textContent = error.reason || '';
    show(box.querySelector('.error-reason-line'), !!error.reason);
    box.querySelector('.error-hint').textContent = error.hint || '';
    show(box.querySelector('.error-hint-line'), !!error.hint);
    show(box, true);
  }

  function errorLine(error) {
    return error.message + (error.hint ? ' Fix: ' + error.hint : '');
  }

  function row(tbody, cells) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      td.textContent = cell === null || cell === undefined || cell === '' ? '—' : String(cell);
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }

  // ---- sign-in ----------------------------------------------------------------------------------

  function claimsOf(token) {
    const parts = token.split('.');
    if (parts.length !== 3) throw new Error('This is not a JWT (three dot-separated parts).');
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  function rolesOf(claims) {
    const roles = claims.roles;
    if (Array.isArray(roles)) return roles.map(String);
    return typeof roles === 'string' ? roles.split(/\s+/).filter(Boolean) : [];
  }

  async function signIn(token, remember) {
    const claims = claimsOf(token);
    state.token = token;
    state.tenant = claims.org ? String(claims.org) : null;
    state.roles = rolesOf(claims);
    try {
      await api('GET', '/admin/tenant-kms');
    } catch (e) {
      if (!(e instanceof ApiError) || (e.type !== 'no_kms_config' && e.status !== 404)) {
        state.token = null;
        throw e;
      }
    }
    if (remember) sessionStorage.setItem(STORAGE_KEY, token);
    $('token').value = '';
    text('whoami-tenant', state.tenant || '(from your identity provider)');
    text('whoami-roles', state.roles.join(', ') || '(none in the token)');
    document.body.classList.toggle('read-only', !canWrite());
    show($('whoami'), true);
    show($('nav'), true);
    show($('signin'), false);
    showPage('kms');
    state.timer = setInterval(tick, REFRESH_MS);
  }

  function signOut(message) {
    state.token = null;
    state.tenant = null;
    state.roles = [];
    state.platform = null;
    sessionStorage.removeItem(STORAGE_KEY);
    clearInterval(state.timer);
    for (const page of document.querySelectorAll('.page')) show(page, false);
    show($('nav'), false);
    show($('whoami'), false);
    show($('sealed-banner'), false);
    show($('signin'), true);
    if (message) notify(message, true); else show($('notice'), false);
  }

  function canWrite() {
    // the server decides; this only hides what the token's roles cannot do
    return state.roles.length === 0 || state.roles.some((r) => WRITE_ROLES.includes(r));
  }

  // ---- pages ------------------------------------------------------------------------------------

  function showPage(page) {
    state.page = page;
    show($('notice'), false);
    for (const button of document.querySelectorAll('#nav button')) {
      if (button.dataset.page === page) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    }
    for (const section of document.querySelectorAll('.page')) show(section, section.id === 'page-' + page);
    refreshStatus();
    if (page === 'kms') refreshWaiver();
    if (page === 'health') refreshHealth();
    if (page === 'alerts') refreshAlerts();
    if (page === 'audit') { state.auditCursor = null; refreshAudit(); refreshChain(); }
  }

  function tick() {
    if (!state.token) return;
    refreshStatus();
    if (state.page === 'health') refreshHealth();
    if (state.page === 'alerts') refreshAlerts();
  }

  // ---- Tenant KMS: status -------------------------------------------------------------------------

  async function refreshStatus() {
    try {
      const { body } = await api('GET', '/admin/tenant-kms');
      renderStatus(body);
    } catch (e) {
      if (e.type === 'no_kms_config') renderStatus(null);
    }
  }

  function renderStatus(data) {
    const previous = state.config && state.config.config.status;
    state.config = data;
    show($('kms-none'), !data);
    show($('kms-status'), !!data);
    if (!data) { show($('sealed-banner'), false); return; }
    const c = data.config;
    statusText('kms-field-status', c.status);
    text('kms-field-provider', c.provider === 'aws' ? 'AWS KMS' : c.provider);
    text('kms-field-key-ref', c.kms_key_ref);
    text('kms-field-key-arn', c.key_arn);
    text('kms-field-region', c.config && c.config.region);
    text('kms-field-role-arn', c.config && c.config.role_arn);
    text('kms-field-external-id', c.config && c.config.external_id);
    const live = data.keys.filter((k) => k.status !== 'destroyed');
    const current = live.length ? live.reduce((a, b) => (a.version > b.version ? a : b)) : null;
    text('kms-field-wrap-method', current && current.wrap_method);
    text('kms-field-last-verified', when(c.last_verified_at));
    text('kms-field-sealed-since', when(c.sealed_since));
    text('kms-field-last-error', c.last_verify_error);
    const rewrap = data.rewrap;
    text('kms-field-rewrap', rewrap
      ? rewrap.done + ' of ' + rewrap.total + ' data keys re-wrapped to version ' + rewrap.to_tmk_version + ' (since ' + when(rewrap.started_at) + ')'
      : 'none running');
    show($('kms-rewrap'), !!rewrap);
    if (rewrap) { $('kms-rewrap-bar').max = Math.max(rewrap.total, 1); $('kms-rewrap-bar').value = rewrap.done; }

    const tbody = $('kms-keys').querySelector('tbody');
    tbody.replaceChildren();
    for (const k of [...data.keys].sort((a, b) => b.version - a.version)) {
      row(tbody, [k.version, k.status, k.wrap_method, when(k.created_at), when(k.retired_at)]);
    }
    const select = $('revoke-version');
    const chosen = select.value;
    select.replaceChildren();
    for (const k of live.filter((k) => k !== current)) {
      const option = document.createElement('option');
      option.value = String(k.version);
      option.textContent = 'v' + k.version + ' (' + k.status + ')';
      select.appendChild(option);
    }
    if (chosen) select.value = chosen;
    show($('revoke-controls'), select.options.length > 0);
    $('action-unseal').disabled = c.status !== 'sealed';

    const sealed = c.status === 'sealed' || !!c.sealed_since;
    $('sealed-banner-text').textContent =
      'KeyLedger cannot use this tenant\'s key' + (c.sealed_since ? ' since ' + when(c.sealed_since) : '') +
      (c.last_verify_error ? ': ' + c.last_verify_error.replace(/\.?\s*$/, '.') : '.') +
      ' Encryption and decryption fail closed until access is restored; KeyLedger unseals by itself once the key answers again.';
    show($('sealed-banner'), sealed);
    if (previous && previous !== c.status) refreshWaiver();
  }

  // ---- Tenant KMS: waiver -----------------------------------------------------------------------

  async function refreshWaiver() {
    if (!canWrite()) { show($('waiver'), false); return; }
    try {
      const { body: standing } = await api('GET', '/api/v1/byok/legal-waiver/status');
      const needed = !standing.acknowledged || standing.requires_reacknowledgment;
      if (!needed || !state.config) { show($('waiver'), false); return; }
      const { body: waiver } = await api('GET', '/api/v1/byok/legal-waiver');
      text('waiver-title', (waiver.title || 'Legal waiver') + ' (version ' + waiver.waiver_version + ')');
      $('waiver-text').textContent = waiver.content || '';
      const terms = $('waiver-terms');
      terms.replaceChildren();
      for (const term of waiver.terms || []) {
        const li = document.createElement('li');
        li.textContent = term;
        terms.appendChild(li);
      }
      show($('waiver'), true);
    } catch (e) {
      show($('waiver'), false);
    }
  }

  function waiverReady() {
    $('waiver-submit').disabled = !($('waiver-accept').checked && $('waiver-by').value.trim());
  }

  async function acknowledgeWaiver() {
    show($('waiver-error'), false);
    try {
      const { body } = await api('POST', '/api/v1/byok/legal-waiver', {
        acknowledged: true,
        acknowledged_by: $('waiver-by').value.trim(),
      });
      notify('Waiver ' + body.waiver_version + ' acknowledged; BYOK is ' + body.byok_status + '.');
      show($('waiver'), false);
      refreshStatus();
    } catch (e) {
      $('waiver-error').textContent = errorLine(e);
      show($('waiver-error'), true);
    }
  }

  // ---- Tenant KMS: Add provider -> AWS KMS --------------------------------------------------------

  async function platformIdentity() {
    if (!state.platform) {
      const { body } = await api('GET', '/admin/tenant-kms/external-id');
      state.platform = body;
    }
    return state.platform;
  }

  async function openAwsForm() {
    show($('aws-form'), true);
    show($('provider-choice'), false);
    try {
      const platform = await platformIdentity();
      text('platform-principal', platform.platform_principal_arn);
      text('platform-account', platform.platform_account_id);
    } catch (e) {
      notify('Cannot read the platform identity: ' + errorLine(e), true);
    }
    renderPolicies();
    $('aws-region').focus();
  }

  async function generateExternalId() {
    try {
      const platform = await platformIdentity();
      $('aws-external-id').value = platform.external_id;
      renderPolicies();
    } catch (e) {
      notify('Cannot generate an external id: ' + errorLine(e), true);
    }
  }

  function accountOf(arn) {
    const match = /^arn:aws[a-z-]*:(?:kms|iam):[a-z0-9-]*:(\d{12}):/.exec(arn || '');
    return match ? match[1] : null;
  }

  function renderPolicies() {
    const platform = state.platform || {};
    const roleArn = $('aws-role-arn').value.trim() || 'arn:aws:iam::CUSTOMER_ACCOUNT:role/ROLE_NAME';
    const externalId = $('aws-external-id').value.trim() || 'EXTERNAL_ID';
    const customer = accountOf($('aws-key-ref').value.trim()) || accountOf($('aws-role-arn').value.trim()) || 'CUSTOMER_ACCOUNT';
    const trust = {
      Version: '2012-10-17',
      Statement: [{
        Sid: 'KeyLedgerAssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::' + (platform.platform_account_id || 'PLATFORM_ACCOUNT') + ':root' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      }],
    };
    const key = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::' + customer + ':root' },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'KeyLedgerOnlyThisTenant',
          Effect: 'Deny',
          Principal: { AWS: roleArn },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          Resource: '*',
          Condition: { StringNotEquals: { 'kms:EncryptionContext:tenant_id': state.tenant || 'TENANT_ID' } },
        },
      ],
    };
    $('trust-policy').textContent = JSON.stringify(trust, null, 2);
    $('key-policy').textContent = JSON.stringify(key, null, 2);
  }

  async function copy(id) {
    const value = $(id).textContent;
    try {
      await navigator.clipboard.writeText(value);
      notify('Copied to the clipboard.');
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents($(id));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      notify('Selected: press Ctrl+C (or Cmd+C) to copy.');
    }
  }

  async function verifyAndSave(event) {
    event.preventDefault();
    const box = $('onboard-error');
    show(box, false);
    const button = $('verify-save');
    button.disabled = true;
    button.textContent = 'Verifying…';
    try {
      const externalId = $('aws-external-id').value.trim();
      const { status, body } = await api('POST', '/admin/tenant-kms', {
        provider: 'aws',
        kms_key_ref: $('aws-key-ref').value.trim(),
        config: {
          region: $('aws-region').value.trim(),
          role_arn: $('aws-role-arn').value.trim(),
          external_id: externalId || null,
        },
      });
      if (status === 202) {
        notify('Accepted; the change is being applied (command ' + (body && body.command_id) + ').');
      } else {
        notify('Verified and saved: key version ' + body.new_key_version + ' (' + body.new_key_id + '), BYOK ' + body.byok_status + '. ' + body.note);
        show($('aws-form'), false);
      }
      await refreshStatus();
      await refreshWaiver();
    } catch (e) {
      showError(box, e);
    } finally {
      button.disabled = false;
      button.textContent = 'Verify and save';
    }
  }

  // ---- destructive actions behind the slug + step-up confirmation ---------------------------------

  let pending = null;

  function confirmAction(title, description, action, dataLoss) {
    pending = action;
    text('confirm-title', title);
    text('confirm-text', description);
    text('confirm-slug-expected', state.tenant);
    $('confirm-slug').value = '';
    $('confirm-stepup').value = '';
    $('confirm-data-loss').checked = false;
    show($('confirm-data-loss-line'), !!dataLoss);
    show($('confirm-error'), false);
    $('confirm-submit').disabled = true;
    $('confirm-dialog').showModal();
    $('confirm-slug').focus();
  }

  function confirmReady() {
    $('confirm-submit').disabled =
      !state.tenant || $('confirm-slug').value.trim() !== state.tenant || !$('confirm-stepup').value.trim();
  }

  async function confirmSubmit(event) {
    event.preventDefault();
    if ($('confirm-submit').disabled || !pending) return;
    const stepUp = $('confirm-stepup').value.trim().replace(/^Bearer\s+/i, '');
    $('confirm-submit').disabled = true;
    try {
      const message = await pending(stepUp, $('confirm-data-loss').checked);
      closeConfirm();
      notify(message);
      refreshStatus();
    } catch (e) {
      $('confirm-error').textContent = errorLine(e);
      show($('confirm-error'), true);
      confirmReady();
    }
  }

  function closeConfirm() {
    pending = null;
    $('confirm-stepup').value = '';
    $('confirm-dialog').close();
  }

  function rotate() {
    confirmAction('Rotate the master key',
      'Creates a new master key version wrapped by your KMS key and re-wraps every data key under it in the background.',
      async (stepUp) => {
        const { status, body } = await api('POST', '/admin/tenant-kms/rotate', {}, { 'X-Step-Up': stepUp });
        return status === 202 ? 'Rotation accepted; it is being applied.' : 'Rotated: master key version ' + body.new_version + ' is active.';
      });
  }

  function unseal() {
    confirmAction('Unseal',
      'Checks the key now and unseals the tenant if KMS answers.',
      async (stepUp) => {
        await api('POST', '/admin/tenant-kms/unseal', {}, { 'X-Step-Up': stepUp });
        return 'Unsealed.';
      });
  }

  function revoke() {
    const version = Number($('revoke-version').value);
    confirmAction('Revoke master key version ' + version,
      'Destroys version ' + version + ' (cryptographic erasure): data still encrypted under it can never be decrypted again.',
      async (stepUp, allowDataLoss) => {
        const { body } = await api('POST', '/admin/tenant-kms/revoke',
          { version, reason: 'revoked in the console', allow_data_loss: allowDataLoss }, { 'X-Step-Up': stepUp });
        return 'Version ' + body.version + ' destroyed (' + body.deks_lost + ' data keys lost).';
      }, true);
  }

  // ---- Health and alerts --------------------------------------------------------------------------

  async function refreshHealth() {
    try {
      const { body: h } = await api('GET', '/api/v1/byok/health');
      statusText('health-status', h.status);
      text('health-key-status', h.key_status);
      text('health-cmk-access', h.checks && h.checks.cmk_access);
      text('health-kms-connection', h.checks && h.checks.kms_connection);
      text('health-dek-valid', h.checks && h.checks.dek_valid);
      text('health-latency-encrypt', h.latency_ms ? h.latency_ms.encrypt + ' ms' : null);
      text('health-latency-decrypt', h.latency_ms ? h.latency_ms.decrypt + ' ms' : null);
      text('health-checked-at', when(h.checked_at) + (h.cached ? ' (remembered)' : ' (live)'));
      text('health-error', h.error);
      text('health-fix', h.fix);
    } catch (e) {
      statusText('health-status', e.type === 'no_byok_key' ? 'no key' : 'unknown');
      text('health-error', e.message);
      text('health-fix', e.hint);
    }
    refreshStatus();
  }

  async function refreshAlerts() {
    try {
      const { body } = await api('GET', '/api/v1/byok/alerts');
      const open = (body.alerts || []).filter((a) => a.status === 'open');
      const tbody = $('alerts-table').querySelector('tbody');
      tbody.replaceChildren();
      for (const a of open) row(tbody, [a.severity, a.rule, when(a.opened_at), a.message]);
      show($('alerts-empty'), open.length === 0);
    } catch (e) {
      notify('Cannot read alerts: ' + errorLine(e), true);
    }
  }

  // ---- Audit --------------------------------------------------------------------------------------

  async function refreshAudit() {
    show($('audit-error'), false);
    const query = new URLSearchParams({ limit: $('audit-limit').value });
    const operation = $('audit-operation').value.trim();
    if (operation) query.set('operation', operation);
    if ($('audit-start').value) query.set('start_date', $('audit-start').value);
    if ($('audit-end').value) query.set('end_date', $('audit-end').value);
    if (state.auditCursor) query.set('cursor', state.auditCursor);
    try {
      const { body } = await api('GET', '/api/v1/byok/audit?' + query);
      const tbody = $('audit-table').querySelector('tbody');
      tbody.replaceChildren();
      for (const e of body.entries) row(tbody, [e.seq, when(e.timestamp), e.operation, e.status, e.key_id, e.user]);
      state.auditNext = body.next_cursor;
      $('audit-next').disabled = !body.next_cursor;
      $('audit-first').disabled = !state.auditCursor;
    } catch (e) {
      $('audit-error').textContent = errorLine(e);
      show($('audit-error'), true);
    }
  }

  async function refreshChain() {
    const badge = $('chain-badge');
    badge.className = 'badge';
    badge.textContent = 'Checking the hash chain…';
    try {
      const { body } = await api('GET', '/api/v1/byok/audit/verify');
      badge.classList.add(body.intact ? 'ok' : 'bad');
      badge.textContent = body.intact
        ? 'Hash chain intact: ' + body.checked + ' events verified, head seq ' + body.head_seq
        : 'Hash chain broken at seq ' + body.broken_at_seq + ': ' + body.reason;
    } catch (e) {
      badge.classList.add('bad');
      badge.textContent = 'Chain not verified: ' + e.message;
    }
  }

  // ---- wiring -------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      show($('signin-error'), false);
      const token = $('token').value.trim().replace(/^Bearer\s+/i, '');
      try {
        await signIn(token, $('token-remember').checked);
      } catch (e) {
        $('signin-error').textContent = 'Not signed in: ' + (e instanceof ApiError ? errorLine(e) : e.message);
        show($('signin-error'), true);
      }
    });
    $('signout').addEventListener('click', () => signOut());
    for (const button of document.querySelectorAll('#nav button')) {
      button.addEventListener('click', () => showPage(button.dataset.page));
    }
    $('add-provider').addEventListener('click', () => { show($('provider-choice'), true); $('provider-aws').focus(); });
    $('provider-aws').addEventListener('click', openAwsForm);
    $('generate-external-id').addEventListener('click', generateExternalId);
    for (const id of ['aws-region', 'aws-key-ref', 'aws-role-arn', 'aws-external-id']) {
      $(id).addEventListener('input', renderPolicies);
    }
    $('copy-trust-policy').addEventListener('click', () => copy('trust-policy'));
    $('copy-key-policy').addEventListener('click', () => copy('key-policy'));
    $('aws-form').addEventListener('submit', verifyAndSave);
    $('waiver-accept').addEventListener('change', waiverReady);
    $('waiver-by').addEventListener('input', waiverReady);
    $('waiver-submit').addEventListener('click', acknowledgeWaiver);
    $('action-rotate').addEventListener('click', rotate);
    $('action-unseal').addEventListener('click', unseal);
    $('action-revoke').addEventListener('click', revoke);
    $('confirm-slug').addEventListener('input', confirmReady);
    $('confirm-stepup').addEventListener('input', confirmReady);
    $('confirm-form').addEventListener('submit', confirmSubmit);
    $('confirm-cancel').addEventListener('click', closeConfirm);
    $('health-refresh').addEventListener('click', refreshHealth);
    $('alerts-refresh').addEventListener('click', refreshAlerts);
    $('audit-filters').addEventListener('submit', (event) => { event.preventDefault(); state.auditCursor = null; refreshAudit(); });
    $('audit-next').addEventListener('click', () => { state.auditCursor = state.auditNext; refreshAudit(); });
    $('audit-first').addEventListener('click', () => { state.auditCursor = null; refreshAudit(); });

    const kept = sessionStorage.getItem(STORAGE_KEY);
    if (kept) signIn(kept, true).catch(() => signOut('The kept token was refused; sign in again.'));
  });
})();
