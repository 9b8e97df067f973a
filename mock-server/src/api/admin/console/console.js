// The mock's web console: every view reads and writes the admin API under /__admin, nothing
// else. Text from requests is put in the page as text (never as HTML).
'use strict';

const TOKEN_KEY = 'allianceMockAdminToken';
const MAX_ENTRIES = 1000;
const SECRET_HEADERS = ['client_secret', 'authorization', 'x-admin-token'];
const SKIPPED_IN_CURL = ['host', 'content-length', 'connection', 'accept-encoding', 'user-agent', 'accept'];

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  entries: new Map(),
  selected: null,
  scenarios: [],
  clients: [],
  operations: [],
  view: 'requests',
  stream: null,
  // Ids from earlier Try it answers (quoteId, siteId, orderId, ...), filled into later requests.
  captured: {},
};

// ---- small helpers -------------------------------------------------------------------------

const $ = (selector) => document.querySelector(selector);

/** An element with attributes and children (strings become text nodes). */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function pretty(text) {
  if (text === null || text === undefined || text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function notice(message) {
  const element = $('#notice');
  element.textContent = message || '';
  element.hidden = !message;
}

function statusClass(status) {
  return status >= 500 ? 's5' : status >= 400 ? 's4' : 's2';
}

class AdminError extends Error {}

/** A request to the admin API, with the token when one is kept. */
async function admin(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.token) headers['x-admin-token'] = state.token;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    options.body = JSON.stringify(options.json);
  }
  const response = await fetch('/__admin' + path, { ...options, headers });
  if (response.status === 401) {
    askToken(state.token ? 'The admin token was refused: enter it again.' : undefined);
    throw new AdminError('the admin API needs its token');
  }
  if (!response.ok && !options.anyStatus) {
    let description = response.statusText;
    try {
      const body = await response.json();
      description = body.description || body.message || JSON.stringify(body);
    } catch { /* not JSON */ }
    notice(`${options.method || 'GET'} /__admin${path}: ${response.status} ${description}`);
    throw new AdminError(description);
  }
  return response;
}

const adminJson = async (path, options) => (await admin(path, options)).json();

// ---- the admin token -----------------------------------------------------------------------

function askToken(why) {
  const dialog = $('#token-dialog');
  if (why) $('#token-why').textContent = why;
  if (!dialog.open) dialog.showModal();
  $('#token-input').focus();
}

function setupToken() {
  $('#token-button').addEventListener('click', () => askToken());
  $('#token-form').addEventListener('submit', () => {
    state.token = $('#token-input').value;
    sessionStorage.setItem(TOKEN_KEY, state.token);
    $('#token-input').value = '';
    notice('');
    start();
  });
  $('#token-forget').addEventListener('click', () => {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('#token-dialog').close();
  });
}

// ---- views ---------------------------------------------------------------------------------

const loaders = {
  requests: () => {},
  scenarios: () => loadScenarios(),
  data: () => {},
  flow: () => loadFlow(),
  try: () => prepareTry(),
  health: () => loadHealth(),
};

function showView() {
  const view = (location.hash || '#requests').slice(1);
  state.view = view in loaders ? view : 'requests';
  for (const section of document.querySelectorAll('main > section')) {
    section.hidden = section.id !== state.view;
  }
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.view === state.view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  Promise.resolve().then(loaders[state.view]).catch(() => {});
}

// ---- health (the header's summary and the Health view) --------------------------------------

function uptime(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

async function loadHealth() {
  const health = await adminJson('/health');
  $('#summary').textContent =
    `v${health.version} · data ${health.data} · seed ${health.seed} · ${health.accounts} accounts · ` +
    `${health.scenarios} scenarios · flow ${health.flow} · up ${uptime(health.uptimeSecs)}` +
    (health.proxy ? ` · proxy (${health.proxy.mode}) → ${health.proxy.upstream}${health.proxy.recording ? ', recording' : ''}` : '');
  const rows = Object.entries(health).map(([key, value]) =>
    h('tr', {}, h('th', {}, key), h('td', { class: 'mono' },
      key === 'uptimeSecs' ? `${value} (${uptime(value)})` : typeof value === 'object' ? JSON.stringify(value) : String(value))));
  $('#health-table tbody').replaceChildren(...rows);
  return health;
}

// ---- the request log -----------------------------------------------------------------------

function filters() {
  return {
    traceId: $('#filter-trace').value.trim(),
    clientId: $('#filter-client').value.trim(),
    status: $('#filter-status').value.trim(),
    operation: $('#filter-operation').value,
  };
}

function admits(entry, wanted) {
  if (wanted.traceId && !(entry.traceId || '').includes(wanted.traceId)) return false;
  if (wanted.clientId && entry.clientId !== wanted.clientId) return false;
  if (wanted.status && !String(entry.status).startsWith(wanted.status)) return false;
  if (wanted.operation && entry.operation !== wanted.operation) return false;
  return true;
}

function time(rfc3339) {
  const at = new Date(rfc3339);
  return Number.isNaN(at.getTime()) ? rfc3339 : at.toLocaleTimeString([], { hour12: false });
}

function logRow(entry) {
  return h('tr', {
    tabindex: 0,
    dataset: { id: entry.id, traceId: entry.traceId || '' },
    class: state.selected === entry.id ? 'picked' : null,
    onclick: () => openEntry(entry.id),
    onkeydown: (event) => rowKeys(event, entry.id),
  },
  h('td', { class: 'mono', title: entry.time }, time(entry.time)),
  h('td', {}, entry.method),
  h('td', { class: 'mono' }, entry.path),
  h('td', { class: statusClass(entry.status) }, entry.status),
  h('td', { class: 'num' }, entry.latencyMs.toFixed(1)),
  h('td', { class: 'mono trace' }, entry.traceId || ''),
  h('td', {}, entry.clientId || ''),
  h('td', {}, entry.scenario || ''),
  h('td', {}, entry.source || ''));
}

function rowKeys(event, id) {
  const row = event.currentTarget;
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    openEntry(id);
  } else if (event.key === 'ArrowDown' || event.key === 'j') {
    event.preventDefault();
    row.nextElementSibling?.focus();
  } else if (event.key === 'ArrowUp' || event.key === 'k') {
    event.preventDefault();
    row.previousElementSibling?.focus();
  }
}

function renderLog() {
  const wanted = filters();
  const shown = [...state.entries.values()]
    .sort((a, b) => b.id - a.id)
    .filter((entry) => admits(entry, wanted));
  $('#log tbody').replaceChildren(...shown.map(logRow));
  $('#log-empty').hidden = state.entries.size > 0;
  $('#log-count').textContent = `${shown.length} of ${state.entries.size} shown`;
}

function remember(entry) {
  state.entries.set(entry.id, entry);
  if (state.entries.size > MAX_ENTRIES) {
    const oldest = Math.min(...state.entries.keys());
    state.entries.delete(oldest);
  }
}

async function loadJournal() {
  const page = await adminJson('/requests?limit=1000');
  for (const entry of page.requests) remember(entry);
  renderLog();
}

/** Reads the journal's server-sent events with fetch, so that the token can go in a header. */
async function followJournal() {
  if (state.stream) state.stream.abort();
  const controller = new AbortController();
  state.stream = controller;
  const live = $('#live');
  try {
    const headers = state.token ? { 'x-admin-token': state.token } : {};
    const response = await fetch('/__admin/requests/stream', { headers, signal: controller.signal });
    if (response.status === 401) {
      askToken();
      return;
    }
    if (!response.ok || !response.body) throw new Error(`status ${response.status}`);
    live.textContent = 'live';
    live.classList.add('on');
    // The listing is read once the stream is open, so that nothing falls between the two;
    // read whole, as the mock may have restarted (and numbered its journal from 1 again).
    state.entries.clear();
    await loadJournal();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        onEvent(block);
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return;
  }
  live.textContent = 'reconnecting';
  live.classList.remove('on');
  if (state.stream === controller) setTimeout(followJournal, 2000);
}

function onEvent(block) {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trimStart();
  }
  if (event === 'lagged') {
    loadJournal().catch(() => {});
  } else if (event === 'request' && data) {
    const entry = JSON.parse(data);
    remember(entry);
    if (!$('#pause').checked) renderLog();
    if (state.view === 'flow' && entry.operation && entry.operation !== 'customerAccountLookup') {
      loadFlow().catch(() => {});
    }
  }
}

// ---- one request: detail, copy as curl, replay ----------------------------------------------

function kvRows(pairs) {
  return pairs.map(([key, value]) => h('tr', {}, h('th', {}, key), h('td', { class: 'mono' }, value)));
}

function openEntry(id) {
  const entry = state.entries.get(id);
  if (!entry) return;
  state.selected = id;
  for (const row of document.querySelectorAll('#log tbody tr')) {
    row.classList.toggle('picked', Number(row.dataset.id) === id);
  }
  $('#detail').hidden = false;
  $('#detail-title').textContent = `#${entry.id} ${entry.method} ${entry.path}`;
  $('#detail-headers tbody').replaceChildren(...kvRows(entry.headers));
  $('#detail-body').textContent = pretty(entry.body) || '(no body)';
  $('#detail-answer tbody').replaceChildren(...kvRows([
    ['status', String(entry.status)],
    ['answered by', `${entry.source || '–'} (${entry.route || 'local'})`],
    ['operation', entry.operation || '–'],
    ['scenario', entry.scenario ? `${entry.scenario} (${entry.scenarioSource || 'chosen'})` : '–'],
    ['latency', `${entry.latencyMs.toFixed(2)} ms`],
    ['trace id', entry.traceId || '–'],
    ['client', entry.clientId || '–'],
    ['time', entry.time],
  ]));
  $('#curl').hidden = true;
  $('#replay-result').hidden = true;
  $('#copy-curl').focus();
}

function closeEntry() {
  const id = state.selected;
  state.selected = null;
  $('#detail').hidden = true;
  document.querySelector(`#log tbody tr[data-id="${id}"]`)?.focus();
}

/** Single-quoted for a POSIX shell. */
const quote = (text) => `'${String(text).replaceAll("'", `'\\''`)}'`;

function curlOf(entry) {
  const parts = [`curl -X ${entry.method} ${quote(location.origin + entry.path)}`];
  for (const [name, value] of entry.headers) {
    const lower = name.toLowerCase();
    if (SKIPPED_IN_CURL.includes(lower)) continue;
    if (SECRET_HEADERS.includes(lower)) {
      // The secret stays out of the page: the command reads it from the shell.
      const variable = lower === 'client_secret' ? 'CLIENT_SECRET' : 'ADMIN_TOKEN';
      parts.push(`-H "${name}: \${${variable}}"`);
    } else {
      parts.push(`-H ${quote(`${name}: ${value}`)}`);
    }
  }
  if (entry.body) parts.push(`--data-raw ${quote(entry.body)}`);
  return parts.join(' \\\n  ');
}

async function copyCurl() {
  const entry = state.entries.get(state.selected);
  if (!entry) return;
  const area = $('#curl');
  area.value = curlOf(entry);
  area.hidden = false;
  try {
    await navigator.clipboard.writeText(area.value);
    notice('');
    $('#copy-curl').textContent = 'Copied';
    setTimeout(() => { $('#copy-curl').textContent = 'Copy as curl'; }, 1500);
  } catch {
    // No clipboard (an insecure origin, or no permission): select it for the user to copy.
    area.focus();
    area.select();
  }
}

async function replay() {
  const id = state.selected;
  if (!id) return;
  const scenario = $('#replay-scenario').value;
  const query = scenario ? `?scenario=${encodeURIComponent(scenario)}` : '';
  const answer = await adminJson(`/requests/${id}/replay${query}`, { method: 'POST' });
  $('#replay-result').hidden = false;
  $('#replay-body').textContent =
    `${answer.status}${answer.scenario ? ` under ${answer.scenario}` : ''}\n\n${pretty(answer.body)}`;
}

function setupLog() {
  $('#filters').addEventListener('input', renderLog);
  $('#filters').addEventListener('submit', (event) => event.preventDefault());
  $('#pause').addEventListener('change', renderLog);
  $('#clear-journal').addEventListener('click', async () => {
    await admin('/requests', { method: 'DELETE' });
    state.entries.clear();
    $('#detail').hidden = true;
    renderLog();
  });
  $('#detail-close').addEventListener('click', closeEntry);
  $('#copy-curl').addEventListener('click', () => copyCurl().catch(() => {}));
  $('#replay').addEventListener('click', () => replay().catch(() => {}));
  document.addEventListener('keydown', (event) => {
    const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
    if (event.key === 'Escape' && !$('#detail').hidden && !$('#token-dialog').open) closeEntry();
    if (event.key === '/' && !typing) {
      event.preventDefault();
      location.hash = '#requests';
      $('#filter-trace').focus();
    }
  });
}

// ---- scenarios -----------------------------------------------------------------------------

function fillScenarioChoices(select, first) {
  const kept = select.value;
  select.replaceChildren(h('option', { value: '' }, first),
    ...state.scenarios.map((scenario) => h('option', { value: scenario.name }, `${scenario.name} (${scenario.kind})`)));
  select.value = kept;
}

async function loadScenarios() {
  const catalogue = await adminJson('/scenarios');
  state.scenarios = catalogue.scenarios;
  state.clients = catalogue.clients || [];
  const badge = $('#wide-scenario');
  badge.hidden = !catalogue.active;
  badge.textContent = catalogue.active ? `server-wide scenario: ${catalogue.active}` : '';
  $('#active-scenario').textContent = catalogue.active || 'none';
  $('#scenario-off').disabled = !catalogue.active;
  const rows = catalogue.scenarios.map((scenario) => {
    const bound = state.clients.filter((client) => client.scenario === scenario.name).map((client) => client.id);
    const on = catalogue.active === scenario.name;
    return h('tr', { dataset: { scenario: scenario.name }, class: on ? 'picked' : null },
      h('td', { class: 'mono' }, scenario.name),
      h('td', {}, scenario.kind),
      h('td', { class: 'mono' }, scenario.operations.length >= state.operations.length && state.operations.length ? 'all' : scenario.operations.join(', ')),
      h('td', {}, bound.join(', ')),
      h('td', {}, scenario.description),
      h('td', {}, h('button', {
        type: 'button',
        class: on ? null : 'plain',
        'aria-pressed': on ? 'true' : 'false',
        onclick: () => switchScenario(on ? null : scenario.name),
      }, on ? 'Turn off' : 'Turn on')));
  });
  $('#scenario-list tbody').replaceChildren(...rows);
  $('#client-list tbody').replaceChildren(...state.clients.map((client) =>
    h('tr', {}, h('td', { class: 'mono' }, client.id), h('td', {}, client.scenario || '–'))));
  fillScenarioChoices($('#replay-scenario'), 'its own scenario');
  fillScenarioChoices($('#try-scenario'), 'none');
}

async function switchScenario(name) {
  if (name) await admin('/scenario', { method: 'PUT', json: { name } });
  else await admin('/scenario', { method: 'DELETE' });
  await loadScenarios();
}

// ---- data: the account book ----------------------------------------------------------------

const MARKS = { true: ['✓', 'yes'], false: ['✗', 'no'], null: ['–', 'skip'] };

function mark(verdict, text) {
  const [symbol, css] = MARKS[String(verdict)];
  return h('td', { class: css, title: css === 'skip' ? 'not compared' : css === 'yes' ? 'passes' : 'fails' }, `${symbol} ${text}`);
}

async function searchBook(event) {
  event?.preventDefault();
  const form = new FormData($('#book-search'));
  const query = new URLSearchParams([...form.entries()].filter(([, value]) => value.trim() !== ''));
  query.set('limit', '100');
  const found = await adminJson(`/accounts?${query}`);
  let summary = `${found.matching} of ${found.book} records pass the rules compared (${found.compared.join(', ') || 'none'}).`;
  if (found.lookup) {
    const ids = found.lookup.accountIds.join(', ');
    summary += found.lookup.answeredBy === 'book'
      ? ` A lookup would answer these from the book, best first: ${ids}.`
      : found.lookup.answeredBy === 'generated'
        ? ' A lookup would answer generated accounts (the data mode makes them when the book has none).'
        : ' A lookup would find no customer.';
  } else {
    summary += ' (A lookup needs account name, city, state and ZIP.)';
  }
  $('#book-summary').textContent = summary;
  const rows = found.records.map((record) => {
    const account = record.account;
    const address = account.accountAddress;
    const rules = record.rules;
    return h('tr', { class: record.matches ? null : 'miss', dataset: { accountId: account.accountId } },
      h('td', { class: record.matches ? 'yes' : 'no', title: record.matches ? 'matches' : 'does not match' },
        record.matches ? `✓ ${record.nameMatch || 'match'}` : '✗'),
      h('td', {}, account.accountName),
      h('td', { class: 'mono' }, account.accountId),
      mark(rules.accountName, ''),
      mark(rules.street, address.street),
      mark(rules.city, address.city),
      mark(rules.state, address.state),
      mark(rules.zipCode, address.zipCode),
      h('td', { class: 'mono muted' }, record.origin));
  });
  $('#book-records tbody').replaceChildren(...rows);
}

// ---- the Ordering flow's records -----------------------------------------------------------

/** A record's field in a cell: an object as its values, a list one element a line. */
function cell(value) {
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) return value.length ? value.map(cell).join('\n') : '–';
  if (typeof value === 'object') return Object.values(value).map(cell).join(' · ');
  return String(value);
}

function recordTable(records, actions) {
  const keys = [...new Set(records.flatMap((record) => Object.keys(record)))];
  return h('table', {},
    h('thead', {}, h('tr', {}, ...keys.map((key) => h('th', {}, key)), actions ? h('th', {}) : null)),
    h('tbody', {}, ...records.map((record) => h('tr', {},
      ...keys.map((key) => h('td', { class: 'mono' }, cell(record[key]))),
      actions ? h('td', {}, actions(record)) : null))));
}

/** Contract statuses after which eSign has nothing left to do. */
const ENDED = ['Signed', 'Declined', 'Expired'];

async function flowAction(path, body) {
  await admin(path, { method: 'POST', json: body });
  await loadFlow();
}

async function loadFlow() {
  const flow = await adminJson('/flow');
  $('#flow-rules').textContent =
    `Mode ${flow.mode} · eSign completes after ${flow.esignAfterSecs} s · order statuses ${flow.orderStatuses.join(' → ')}, one every ${flow.orderStatusEverySecs} s · at most ${flow.capacity} records a client`;
  const clients = Object.entries(flow.clients);
  if (clients.length === 0) {
    $('#flow-clients').replaceChildren(h('p', { class: 'muted' },
      'No client has started the flow yet: create a quote (Try it, createOpportunityQuote) and its records show here.'));
    return;
  }
  $('#flow-clients').replaceChildren(...clients.map(([client, ledger]) => h('div', { class: 'client' },
    h('h2', {}, client),
    ledger.quotes.length ? [h('h3', {}, 'Quotes'), recordTable(ledger.quotes)] : null,
    ledger.creditChecks.length ? [h('h3', {}, 'Credit checks'), recordTable(ledger.creditChecks)] : null,
    ledger.contracts.length ? [h('h3', {}, 'Contracts'), recordTable(ledger.contracts, (contract) => ENDED.includes(contract.status) ? [] : [
      h('button', { type: 'button', dataset: { action: 'sign', quoteId: contract.quoteId }, onclick: () => flowAction(`/flow/contracts/${encodeURIComponent(contract.quoteId)}/esign`).catch(() => {}) }, 'Sign'),
      ' ',
      h('button', { type: 'button', class: 'plain', dataset: { action: 'decline', quoteId: contract.quoteId }, onclick: () => flowAction(`/flow/contracts/${encodeURIComponent(contract.quoteId)}/esign`, { status: 'Declined' }).catch(() => {}) }, 'Decline'),
    ])] : null,
    ledger.orders.length ? [h('h3', {}, 'Orders'), recordTable(ledger.orders, (order) =>
      h('button', { type: 'button', dataset: { action: 'advance', orderId: order.orderId }, onclick: () => flowAction(`/flow/orders/${encodeURIComponent(order.orderId)}/advance`).catch(() => {}) }, 'Advance'))] : null)));
}

// ---- try it --------------------------------------------------------------------------------

/** The operations of the OpenAPI document, with their example body and query parameters. */
function operationsOf(document) {
  const operations = [];
  for (const [path, item] of Object.entries(document.paths || {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const operation = item[method];
      if (!operation?.operationId) continue;
      const media = operation.requestBody?.content?.['application/json'];
      const example = media?.example ?? Object.values(media?.examples || {})[0]?.value ?? media?.schema?.examples?.[0];
      const parameters = [...(item.parameters || []), ...(operation.parameters || [])]
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => ({
          name: parameter.name,
          required: !!parameter.required,
          example: parameter.example ?? Object.values(parameter.examples || {})[0]?.value ?? parameter.schema?.example ?? '',
        }));
      operations.push({ id: operation.operationId, method: method.toUpperCase(), path, summary: operation.summary || '', example, parameters });
    }
  }
  return operations;
}

async function loadOperations() {
  const document = await adminJson('/openapi.json');
  state.operations = operationsOf(document);
  const filter = $('#filter-operation');
  filter.replaceChildren(h('option', { value: '' }, 'any'),
    ...state.operations.map((operation) => h('option', { value: operation.id }, operation.id)));
  $('#try-operation').replaceChildren(...state.operations.map((operation) =>
    h('option', { value: operation.id }, `${operation.id} · ${operation.method} ${operation.path}`)));
  fillTry();
}

/** Keys whose values identify a record of the flow; a request's own ids are not among them. */
const isIdKey = (key) => /(Id|Number)$/.test(key) && !['traceId', 'transactionId'].includes(key);

function captureIds(value) {
  if (Array.isArray(value)) value.forEach(captureIds);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === 'string' && inner !== '' && isIdKey(key)) state.captured[key] = inner;
      else captureIds(inner);
    }
  }
}

/** The example with the ids of earlier answers in place of the document's. */
function withCaptured(value) {
  if (Array.isArray(value)) return value.map(withCaptured);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) =>
      [key, typeof inner === 'string' && key in state.captured ? state.captured[key] : withCaptured(inner)]));
  }
  return value;
}

function showCaptured() {
  const keys = Object.keys(state.captured);
  $('#try-ids').textContent = keys.length
    ? `From earlier answers: ${keys.map((key) => `${key} ${state.captured[key]}`).join(' · ')}`
    : 'Ids from the answers (quoteId, siteId, orderId, ...) are filled into the next requests.';
}

function fillTry() {
  const operation = state.operations.find((candidate) => candidate.id === $('#try-operation').value);
  if (!operation) return;
  const useIds = $('#try-use-ids').checked;
  const fill = (value) => (useIds ? withCaptured(value) : value);
  $('#try-line').textContent = `${operation.method} ${operation.path}${operation.summary ? ` — ${operation.summary}` : ''}`;
  $('#try-query').replaceChildren(...operation.parameters.map((parameter) =>
    h('label', {}, `${parameter.name}${parameter.required ? ' *' : ''}`,
      h('input', {
        name: `query.${parameter.name}`,
        value: useIds && state.captured[parameter.name] ? state.captured[parameter.name] : parameter.example,
        dataset: { query: parameter.name },
      }))));
  const hasBody = operation.example !== undefined;
  $('#try-body-label').hidden = !hasBody;
  $('#try-body').value = hasBody ? JSON.stringify(fill(operation.example), null, 2) : '';
  showCaptured();
}

async function prepareTry() {
  if (state.operations.length === 0) await loadOperations();
  if (state.scenarios.length === 0) await loadScenarios();
  const select = $('#try-client');
  const kept = select.value;
  select.replaceChildren(...state.clients.map((client) => h('option', { value: client.id }, client.id)));
  if (kept) select.value = kept;
}

async function sendTry(event) {
  event.preventDefault();
  const operation = state.operations.find((candidate) => candidate.id === $('#try-operation').value);
  if (!operation) return;
  const attempt = { operation: operation.id, client: $('#try-client').value || undefined };
  if (!$('#try-body-label').hidden) {
    try {
      attempt.body = JSON.parse($('#try-body').value);
    } catch (error) {
      notice(`The body is not JSON: ${error.message}`);
      return;
    }
  }
  const query = {};
  for (const input of document.querySelectorAll('#try-query input')) {
    if (input.value !== '') query[input.dataset.query] = input.value;
  }
  attempt.query = query;
  if ($('#try-scenario').value) attempt.scenario = $('#try-scenario').value;
  if ($('#try-trace').value.trim()) attempt.traceId = $('#try-trace').value.trim();
  notice('');
  const answer = await adminJson('/try', { method: 'POST', json: attempt });
  $('#try-result').hidden = false;
  const status = $('#try-status');
  status.textContent = `${answer.status} · ${answer.request.method} ${answer.request.path}`;
  status.className = statusClass(answer.status);
  if (answer.status < 300) {
    try {
      captureIds(JSON.parse(answer.body));
    } catch { /* not JSON */ }
    showCaptured();
  }
  const traceId = answer.headers.find(([name]) => name === 'x-trace-id')?.[1];
  $('#try-answer').textContent = `${traceId ? `x-trace-id: ${traceId}\n\n` : ''}${pretty(answer.body)}`;
}

// ---- start ---------------------------------------------------------------------------------

async function start() {
  notice('');
  try {
    await loadHealth();
    await Promise.all([loadScenarios(), loadOperations()]);
  } catch (error) {
    if (!(error instanceof AdminError)) notice(`The mock does not answer: ${error.message}`);
    return;
  }
  followJournal();
  showView();
}

document.addEventListener('DOMContentLoaded', () => {
  setupToken();
  setupLog();
  $('#book-search').addEventListener('submit', (event) => searchBook(event).catch(() => {}));
  $('#flow-refresh').addEventListener('click', () => loadFlow().catch(() => {}));
  $('#flow-clear').addEventListener('click', async () => {
    await admin('/flow', { method: 'DELETE' });
    await loadFlow();
  });
  $('#scenario-off').addEventListener('click', () => switchScenario(null).catch(() => {}));
  $('#try-operation').addEventListener('change', fillTry);
  $('#try-use-ids').addEventListener('change', fillTry);
  $('#try-form').addEventListener('submit', (event) => sendTry(event).catch(() => {}));
  window.addEventListener('hashchange', showView);
  setInterval(() => loadHealth().catch(() => {}), 10000);
  showView();
  start();
});
