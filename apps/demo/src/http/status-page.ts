/**
 * The status page served at `/`: it polls `GET /cluster` every second and shows each node's role, slot ranges,
 * connection state and command count, so a failover or a reshard can be watched as it happens.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>keyslot demo: cluster status</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d2330; }
  h1 { font-size: 1.3rem; }
  table { border-collapse: collapse; min-width: 48rem; }
  th, td { text-align: left; padding: .35rem .7rem; border-bottom: 1px solid #dde1e8; }
  .up { color: #137333; font-weight: 600; }
  .down { color: #b3261e; font-weight: 600; }
  #summary { margin: .5rem 0 1rem; }
  #error { color: #b3261e; }
</style>
</head>
<body>
<h1>keyslot demo: cluster status</h1>
<div id="summary">loading…</div>
<div id="error"></div>
<table>
  <thead><tr><th>node</th><th>role</th><th>primary</th><th>slots</th><th>state</th><th>commands</th><th>pending</th></tr></thead>
  <tbody id="nodes"></tbody>
</table>
<script>
  const rows = document.getElementById('nodes');
  const summary = document.getElementById('summary');
  const errorBox = document.getElementById('error');
  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }
  async function refresh() {
    try {
      const response = await fetch('/cluster', { cache: 'no-store' });
      const data = await response.json();
      const { topology, stats } = data;
      summary.textContent = topology.coveredSlots + ' of 16384 slots served · ' + stats.commands + ' commands · ' +
        stats.redirects + ' redirects · ' + stats.retries + ' retries · ' + stats.refreshes + ' topology refreshes';
      rows.replaceChildren(...topology.nodes.map((node) => {
        const tr = document.createElement('tr');
        tr.dataset.address = node.address;
        tr.dataset.role = node.role;
        tr.dataset.state = node.connected ? 'up' : 'down';
        tr.append(
          cell(node.address), cell(node.role), cell(node.primary || ''),
          cell(node.slots.map((r) => r[0] === r[1] ? r[0] : r[0] + '-' + r[1]).join(', ')),
          cell(node.connected ? 'up' : 'down', node.connected ? 'up' : 'down'),
          cell(String(node.commands)), cell(String(node.pending)),
        );
        return tr;
      }));
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
