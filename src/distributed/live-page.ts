// The live page of `pareto-edge serve`: one self-contained HTML file (no build step, no external
// script) that polls /status.json every two seconds and redraws the runs table, the workers and the
// accuracy-versus-memory chart with the current front.
export const LIVE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pareto-edge: live</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.2rem; } h2 { font-size: 1rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; } td, th { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  .bar { width: 120px; height: 8px; background: #eee; display: inline-block; vertical-align: middle; }
  .bar > span { display: block; height: 100%; background: #3a7; }
  .finished { color: #2a6; } .failed { color: #c33; } .running { color: #36c; } .queued, .planned { color: #888; }
  .front { font-weight: 600; }
  #meta { color: #666; }
  svg text { font-size: 11px; fill: #444; }
</style>
</head>
<body>
<h1>pareto-edge — <span id="experiment"></span></h1>
<div id="meta"></div>
<h2>Runs</h2>
<table id="runs"><thead><tr>
  <th>Run</th><th>Status</th><th>Worker</th><th>Progress</th><th>Val acc</th><th>Test acc</th>
  <th>Peak tensor MB</th><th>s / epoch</th><th>Front</th>
</tr></thead><tbody></tbody></table>
<h2>Front: test accuracy against peak training tensor memory</h2>
<div id="objectives"></div>
<svg id="chart" width="640" height="320" role="img" aria-label="accuracy against memory"></svg>
<h2>Workers</h2>
<table id="workers"><thead><tr><th>Worker</th><th>Host</th><th>Tags</th><th>Concurrency</th><th>Last seen</th></tr></thead><tbody></tbody></table>
<script>
const MB = 1024 * 1024;
const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; };
const pct = (x) => (x === null || x === undefined ? '' : (100 * x).toFixed(1) + '%');
const fixed = (x, d) => (x === null || x === undefined ? '' : x.toFixed(d));

function progress(run) {
  const wrap = document.createElement('td');
  const done = run.epochs > 0 ? (run.epochsDone + (run.epochFraction || 0)) / run.epochs : 0;
  const bar = document.createElement('span'); bar.className = 'bar';
  const fill = document.createElement('span'); fill.style.width = Math.min(100, 100 * done) + '%';
  bar.append(fill);
  wrap.append(bar, ' ' + run.epochsDone + '/' + run.epochs + (run.phase && run.status === 'running' ? ' ' + run.phase : ''));
  return wrap;
}

function drawRuns(status) {
  const body = document.querySelector('#runs tbody');
  body.replaceChildren(...status.runs.map((run) => {
    const tr = document.createElement('tr');
    tr.dataset.id = run.id;
    tr.className = run.onFront ? 'front' : '';
    tr.append(
      cell(run.id), cell(run.status, run.status), cell(run.worker ? run.worker + ' (' + run.hostname + ')' : ''),
      progress(run), cell(pct(run.valAcc), 'n'), cell(pct(run.testAcc), 'n'),
      cell(run.peakTensorBytes === null ? '' : fixed(run.peakTensorBytes / MB, 1), 'n'),
      cell(fixed(run.meanEpochS, 2), 'n'), cell(run.onFront ? 'yes' : ''),
    );
    if (run.error) tr.title = run.error;
    return tr;
  }));
}

function drawWorkers(status) {
  const body = document.querySelector('#workers tbody');
  body.replaceChildren(...status.workers.map((w) => {
    const tr = document.createElement('tr');
    const ago = Math.round((Date.now() - Date.parse(w.lastSeen)) / 1000);
    tr.append(cell(w.worker), cell(w.hostname), cell(w.tags.join(', ')), cell(String(w.concurrency), 'n'), cell(ago + ' s ago'));
    return tr;
  }));
}

function drawChart(status) {
  const svg = document.getElementById('chart');
  const ns = 'http://www.w3.org/2000/svg';
  const points = status.runs.filter((r) => r.testAcc !== null && r.peakTensorBytes !== null);
  svg.replaceChildren();
  if (points.length === 0) return;
  const W = 640, H = 320, L = 50, B = 30, T = 10, R = 150;
  const xs = points.map((p) => p.peakTensorBytes / MB);
  const xmax = Math.max(...xs) * 1.1 || 1;
  const x = (v) => L + (v / xmax) * (W - L - R);
  const y = (v) => H - B - v * (H - B - T);
  const el = (name, attrs, text) => {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
  };
  el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#999' });
  el('line', { x1: L, y1: T, x2: L, y2: H - B, stroke: '#999' });
  el('text', { x: L, y: H - 8 }, '0 MB');
  el('text', { x: W - R - 60, y: H - 8 }, xmax.toFixed(1) + ' MB');
  el('text', { x: 4, y: y(1) + 4 }, '100%');
  el('text', { x: 4, y: y(0) }, '0%');
  const front = points.filter((p) => p.onFront).sort((a, b) => a.peakTensorBytes - b.peakTensorBytes);
  if (front.length > 1) el('polyline', { fill: 'none', stroke: '#3a7', points: front.map((p) => x(p.peakTensorBytes / MB) + ',' + y(p.testAcc)).join(' ') });
  for (const p of points) {
    el('circle', { cx: x(p.peakTensorBytes / MB), cy: y(p.testAcc), r: 5, fill: p.onFront ? '#3a7' : '#bbb' });
    el('text', { x: x(p.peakTensorBytes / MB) + 7, y: y(p.testAcc) + 4 }, p.id.split('/').pop());
  }
}

async function refresh() {
  try {
    const status = await (await fetch('status.json', { cache: 'no-store' })).json();
    document.getElementById('experiment').textContent = status.experiment;
    const counts = {};
    for (const run of status.runs) counts[run.status] = (counts[run.status] || 0) + 1;
    document.getElementById('meta').textContent =
      Object.entries(counts).map(([k, v]) => v + ' ' + k).join(', ') +
      (status.queue ? ' · queue ' + status.queue : ' · local runs') + ' · updated ' + new Date(status.updatedAt).toLocaleTimeString();
    document.getElementById('objectives').textContent = 'Front on: ' + status.objectives.join(', ') + ' (per data set and setting)';
    drawRuns(status); drawWorkers(status); drawChart(status);
    document.body.dataset.updated = status.updatedAt;
  } catch (error) {
    document.getElementById('meta').textContent = 'cannot reach the server: ' + error;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;
