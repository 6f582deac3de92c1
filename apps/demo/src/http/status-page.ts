import { SLOT_COUNT } from '@keyslot/client';

/**
 * The status page served at `/`: it polls `GET /cluster` every second and shows each node's role, slot ranges,
 * health, connection, command count and latency percentiles (and the client-side cache's hits, misses and
 * invalidations), so a failover or a reshard can be watched as it happens.
 *
 * A node's state is the cluster's word on it (`health`: online, failed, loading) together with this client's own
 * experience: a node the cluster calls online but that this client failed to reach is down. A node this client never
 * needed (no connection yet, no failure) is up: connections are opened on demand.
 *
 * A node the topology stops listing (a dead primary once its replica took over, a removed node) stays on the page,
 * marked down and `gone`, so a failure does not silently disappear from view. Every row carries `data-address`,
 * `data-role` (`primary`, `replica` or `gone`), `data-state` (`up` or `down`) and `data-health` (the cluster's word).
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>keyslot demo: cluster status</title>
<style>
  :root { color-scheme: light; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
    margin: 2rem; color: #1d2330; background: #fff; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  #summary { margin: .5rem 0 .25rem; }
  #summary .bad { color: #b3261e; font-weight: 600; }
  #updated { color: #5f6673; font-size: .85rem; margin-bottom: 1rem; }
  #error { color: #b3261e; font-weight: 600; min-height: 1.2em; }
  table { border-collapse: collapse; min-width: 52rem; }
  th, td { text-align: left; padding: .4rem .75rem; border-bottom: 1px solid #dde1e8; white-space: nowrap; }
  th { background: #f4f6f9; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.address { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
  td.slots { white-space: normal; max-width: 18rem; }
  tr[data-role="primary"] td.role { font-weight: 600; }
  tr[data-role="replica"] td.address { padding-left: 1.75rem; }
  tr[data-role="gone"] td { color: #8a909c; }
  .up { color: #137333; font-weight: 600; }
  .down { color: #b3261e; font-weight: 600; }
  tr[data-role="gone"] td.down { color: #b3261e; }
</style>
</head>
<body>
<h1>keyslot demo: cluster status</h1>
<div id="summary">loading…</div>
<div id="cache"></div>
<div id="updated"></div>
<div id="error"></div>
<table>
  <thead><tr><th>node</th><th>role</th><th>primary</th><th>slots</th><th>state</th><th>connection</th>
    <th class="num">commands</th><th class="num">pending</th>
    <th class="num">p50 ms</th><th class="num">p90 ms</th><th class="num">p99 ms</th></tr></thead>
  <tbody id="nodes"></tbody>
</table>
<script>
  const rows = document.getElementById('nodes');
  const summary = document.getElementById('summary');
  const cacheLine = document.getElementById('cache');
  const updated = document.getElementById('updated');
  const errorBox = document.getElementById('error');
  // Every node seen so far, by address: one the topology no longer lists is shown as gone.
  const seen = new Map();
  function cell(text, className, title) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    if (title) td.title = title;
    return td;
  }
  function slotText(ranges) {
    return ranges.map((r) => r[0] === r[1] ? String(r[0]) : r[0] + '-' + r[1]).join(', ');
  }
  // The cluster's view (health) and this client's (a failed connection) together; never-needed is not down.
  function isUp(node) {
    return node.health === 'online' && (node.connected || !node.lastError);
  }
  function stateText(node) {
    if (isUp(node)) return node.routed ? 'up' : 'up · not routed';
    if (node.health !== 'online') return node.health === 'loading' ? 'down · loading' : 'down · ' + node.health;
    return 'down · unreachable';
  }
  function connectionText(node) {
    if (node.connected) return 'open';
    return node.lastError ? 'failed' : 'not needed yet';
  }
  function ms(value) {
    return value === undefined ? '' : value.toFixed(2);
  }
  function row(node, gone, latency) {
    const tr = document.createElement('tr');
    const up = !gone && isUp(node);
    tr.dataset.address = node.address;
    tr.dataset.role = gone ? 'gone' : node.role;
    tr.dataset.state = up ? 'up' : 'down';
    tr.dataset.health = gone ? 'gone' : node.health;
    const state = gone ? 'down · gone since ' + gone : stateText(node);
    const times = latency || {};
    tr.append(
      cell(node.address, 'address'),
      cell(gone ? 'gone (was ' + node.role + ')' : node.role, 'role'),
      cell(gone ? '' : node.primary || ''),
      cell(gone ? '' : slotText(node.slots), 'slots'),
      cell(state, up ? 'up' : 'down', up ? '' : node.lastError || ''),
      cell(gone ? '' : connectionText(node), '', node.lastError || ''),
      cell(String(node.commands), 'num'), cell(String(node.pending), 'num'),
      cell(ms(times.p50), 'num'), cell(ms(times.p90), 'num'), cell(ms(times.p99), 'num'),
    );
    return tr;
  }
  // Shard by shard, in slot order (each node may list the shards in another order): a primary, then its replicas.
  function ordered(nodes) {
    const firstSlot = (node) => (node.slots[0] ? node.slots[0][0] : ${SLOT_COUNT});
    const byAddress = (a, b) => (a.address < b.address ? -1 : 1);
    const primaries = nodes.filter((node) => node.role === 'primary').sort((a, b) => firstSlot(a) - firstSlot(b));
    const list = primaries.flatMap((primary) => [primary,
      ...nodes.filter((node) => node.role === 'replica' && node.primary === primary.address).sort(byAddress)]);
    return list.concat(nodes.filter((node) => !list.includes(node)));
  }
  async function refresh() {
    try {
      const response = await fetch('/cluster', { cache: 'no-store' });
      const data = await response.json();
      if (!response.ok) throw new Error((data && data.message) || 'GET /cluster answered ' + response.status);
      const { topology, stats, cache } = data;
      const latency = data.latency || {};
      const now = new Date().toLocaleTimeString();
      const listed = new Set(topology.nodes.map((node) => node.address));
      for (const node of topology.nodes) seen.set(node.address, { node, gone: null });
      for (const [address, entry] of seen) {
        if (!listed.has(address) && !entry.gone) entry.gone = now;
      }
      const slots = document.createElement('span');
      slots.textContent = topology.coveredSlots + ' of ${SLOT_COUNT} slots served';
      if (topology.coveredSlots < ${SLOT_COUNT}) slots.className = 'bad';
      const primaries = topology.nodes.filter((node) => node.role === 'primary' && node.routed).length;
      summary.replaceChildren(slots, ' · ' + primaries + ' primaries, ' + (topology.nodes.length - primaries) +
        ' replicas · ' + stats.commands + ' commands · ' + stats.redirects + ' redirects · ' + stats.retries +
        ' retries · ' + stats.reconnects + ' reconnects · ' + stats.refreshes + ' topology refreshes');
      cacheLine.textContent = cache
        ? 'client-side cache: ' + cache.hits + ' hits · ' + cache.misses + ' misses · ' + cache.invalidations +
          ' invalidations · ' + cache.evictions + ' evictions · ' + cache.entries + ' entries'
        : 'client-side cache: off';
      rows.replaceChildren(
        ...ordered(topology.nodes).map((node) => row(node, null, latency[node.address])),
        ...[...seen.values()].filter((entry) => entry.gone).map((entry) => row(entry.node, entry.gone)),
      );
      updated.textContent = 'updated ' + now + ' · refreshes every second';
      errorBox.textContent = '';
    } catch (error) {
      errorBox.textContent = 'cannot reach the demo: ' + error.message;
    }
  }
  refresh();
  setInterval(refresh, 1000);
</script>
</body>
</html>
`;
