/* eventwire dashboard. All data reaches the page through textContent / attributes set on
 * created elements: no HTML string built from data is ever parsed, so article text cannot
 * inject markup or script. Filter state lives in the URL query string. */
'use strict';

const FILTER_KEYS = ['since', 'until', 'country', 'type', 'actor', 'status'];
const PAGE = 50;
const QUAD_COLORS = {
  verbal_cooperation: '#4c9f70', material_cooperation: '#1f6f8b',
  verbal_conflict: '#e0a030', material_conflict: '#c0392b',
};
const SVGNS = 'http://www.w3.org/2000/svg';
const state = { offset: 0, dyad: null, world: null, facets: null, generation: 0 };

/* ------------------------------------------------------------ helpers */
function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) n.setAttribute(k, v); });
  children.forEach((c) => n.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
  return n;
}
function svg(tag, attrs) {
  const n = document.createElementNS(SVGNS, tag);
  Object.entries(attrs || {}).forEach(([k, v]) => n.setAttribute(k, v));
  return n;
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function svgTitle(node, text) { const t = svg('title'); t.textContent = text; node.append(t); }

function currentFilters() {
  const p = new URLSearchParams(location.search);
  const f = {};
  FILTER_KEYS.forEach((k) => { const v = p.get(k); if (v) f[k] = v; });
  return f;
}
function query(extra) {
  const p = new URLSearchParams(currentFilters());
  Object.entries(extra || {}).forEach(([k, v]) => { if (v !== null && v !== undefined && v !== '') p.set(k, v); });
  return p.toString();
}
async function getJSON(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let msg = r.status + ' ' + r.statusText;
    try { const b = await r.json(); msg += ': ' + JSON.stringify(b.detail); } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return r.json();
}
function actorName(list) { return (list && list.length) ? list.map((a) => a.name).join(', ') : ''; }
function showError(node, err) { clear(node); node.append(el('p', { class: 'error' }, 'Could not load: ' + err.message)); }

/* ------------------------------------------------------------ filters and URL */
function fillForm() {
  const form = document.getElementById('filters');
  const f = currentFilters();
  ['since', 'until', 'country', 'type', 'actor'].forEach((k) => { form.elements[k].value = f[k] || ''; });
  const statuses = (f.status || '').split(',').filter(Boolean);
  form.querySelectorAll('input[name=status]').forEach((cb) => { cb.checked = statuses.includes(cb.value); });
}
function formToURL() {
  const form = document.getElementById('filters');
  const p = new URLSearchParams();
  ['since', 'until', 'country', 'type', 'actor'].forEach((k) => {
    const v = form.elements[k].value.trim(); if (v) p.set(k, v);
  });
  const st = [...form.querySelectorAll('input[name=status]:checked')].map((cb) => cb.value);
  if (st.length) p.set('status', st.join(','));
  if (state.dyad) { p.set('dyad_a', state.dyad[0]); p.set('dyad_b', state.dyad[1]); }
  const qs = p.toString();
  history.pushState(null, '', qs ? '?' + qs : location.pathname);
}
function setFilter(key, value) {
  document.getElementById('filters').elements[key].value = value;
  formToURL();
  refresh();
}

async function loadFacets() {
  const fc = await getJSON('/api/facets');
  state.facets = fc;
  const form = document.getElementById('filters');
  fc.countries.forEach((c) => form.elements.country.append(el('option', { value: c }, c)));
  fc.types.forEach((t) => form.elements.type.append(el('option', { value: t }, t)));
  const box = document.getElementById('status-box');
  fc.statuses.forEach((s) => box.append(el('label', {}, el('input', { type: 'checkbox', name: 'status', value: s }), s)));
  form.elements.since.min = form.elements.until.min = fc.min_date || '';
  form.elements.since.max = form.elements.until.max = fc.max_date || '';
}

/* ------------------------------------------------------------ panels */
async function renderSummary() {
  const d = await getJSON('/api/events?' + query({ limit: 1 }));
  document.getElementById('summary').textContent =
    d.total + ' events match' + (Object.keys(currentFilters()).length ? ' the filters' : ' (no filters)');
}

async function renderTimeline() {
  const node = document.getElementById('timeline');
  const d = await getJSON('/api/timeline?' + query());
  const byType = {};
  d.series.forEach((r) => { (byType[r.type] = byType[r.type] || { x: [], y: [] }); byType[r.type].x.push(r.date); byType[r.type].y.push(r.n); });
  const traces = Object.keys(byType).sort().map((t) => ({ type: 'bar', name: t, x: byType[t].x, y: byType[t].y }));
  await Plotly.react(node, traces, {
    barmode: 'stack', margin: { l: 40, r: 10, t: 10, b: 40 }, legend: { orientation: 'h', y: -0.2 },
    xaxis: { type: 'date' }, yaxis: { title: { text: 'events' } },
  }, { displaylogo: false, responsive: true });
  node.dataset.n = String(d.series.reduce((s, r) => s + r.n, 0));
}

async function loadWorld() {
  if (state.world) return state.world;
  const topo = await getJSON('/static/countries-110m.json');
  state.world = Topo.paths(topo, 'countries', 960, 480);
  return state.world;
}

async function renderMap() {
  const node = document.getElementById('map');
  const [world, d] = await Promise.all([loadWorld(), getJSON('/api/map?' + query())]);
  clear(node);
  const land = svg('g');
  world.forEach((c) => { const p = svg('path', { d: c.d, class: 'land' }); svgTitle(p, c.name); land.append(p); });
  node.append(land);
  // fit the view to the points (whole world when there are none)
  let vb = [0, 0, 960, 480];
  if (d.points.length) {
    const xy = d.points.map((p) => Topo.project(p.lon, p.lat, 960, 480));
    const xs = xy.map((q) => q[0]), ys = xy.map((q) => q[1]);
    let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const w = Math.max(x1 - x0, 60) * 1.4, h = Math.max(y1 - y0, 30) * 1.4;
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const W = Math.max(w, h * 2), H = W / 2;
    vb = [cx - W / 2, cy - H / 2, W, H];
  }
  node.setAttribute('viewBox', vb.map((v) => v.toFixed(1)).join(' '));
  const unit = vb[2] / 800;
  const maxF = Math.max(1, ...d.points.map((p) => p.fatalities));
  const dots = svg('g');
  d.points.forEach((p) => {
    const [x, y] = Topo.project(p.lon, p.lat, 960, 480);
    const c = svg('circle', { cx: x.toFixed(2), cy: y.toFixed(2), r: ((3 + 22 * Math.sqrt(p.fatalities / maxF)) * unit).toFixed(2) });
    svgTitle(c, (p.name || '?') + ' (' + (p.country || '') + '): ' + p.n + ' events, ' + p.fatalities + ' fatalities');
    if (p.country) c.addEventListener('click', () => setFilter('country', p.country));
    dots.append(c);
  });
  node.append(dots);
  node.dataset.points = String(d.points.length);
}

function forceLayout(nodes, edges, width, height) {
  // Fruchterman-Reingold with a deterministic circular start (same data -> same picture)
  const n = nodes.length;
  const pos = nodes.map((_, i) => ({ x: width / 2 + Math.cos(2 * Math.PI * i / n) * width / 3,
                                     y: height / 2 + Math.sin(2 * Math.PI * i / n) * height / 3, dx: 0, dy: 0 }));
  const index = Object.fromEntries(nodes.map((nd, i) => [nd.actor_key, i]));
  // one spring per connected pair, whatever the number of events or quad classes between them
  const pairs = new Map();
  edges.forEach((e) => {
    const i = index[e.source], j = index[e.target];
    if (i !== undefined && j !== undefined && i !== j) pairs.set(Math.min(i, j) + ':' + Math.max(i, j), [i, j]);
  });
  const k = Math.sqrt(width * height / Math.max(n, 1)) * 0.9;
  let temp = width / 8;
  for (let it = 0; it < 250; it++) {
    pos.forEach((p) => { p.dx = 0; p.dy = 0; });
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
        const dist = Math.max(Math.hypot(dx, dy), 0.01);
        if (dist > 2.5 * k) continue;  // far nodes stop pushing, so separate groups do not fly apart
        const f = k * k / dist;
        pos[i].dx += dx / dist * f; pos[i].dy += dy / dist * f; pos[j].dx -= dx / dist * f; pos[j].dy -= dy / dist * f;
      }
    }
    pairs.forEach(([i, j]) => {
      const a = pos[i], b = pos[j];
      const dx = a.x - b.x, dy = a.y - b.y, dist = Math.max(Math.hypot(dx, dy), 0.01), f = dist * dist / k / Math.sqrt(n);
      a.dx -= dx / dist * f; a.dy -= dy / dist * f; b.dx += dx / dist * f; b.dy += dy / dist * f;
    });
    pos.forEach((p) => {  // weak gravity keeps disconnected groups in view
      p.dx += (width / 2 - p.x) * 0.05; p.dy += (height / 2 - p.y) * 0.05;
      const disp = Math.max(Math.hypot(p.dx, p.dy), 0.01), step = Math.min(disp, temp);
      p.x += p.dx / disp * step;
      p.y += p.dy / disp * step;
    });
    temp *= 0.98;
  }
  // fit the finished layout into the box (margins leave room for labels)
  const xs = pos.map((p) => p.x), ys = pos.map((p) => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  pos.forEach((p) => {
    p.x = x1 > x0 ? 60 + (p.x - x0) / (x1 - x0) * (width - 120) : width / 2;
    p.y = y1 > y0 ? 25 + (p.y - y0) / (y1 - y0) * (height - 50) : height / 2;
  });
  return pos;
}

async function renderNetwork() {
  const node = document.getElementById('network');
  const d = await getJSON('/api/network?' + query({ max_nodes: 30 }));
  clear(node);
  const pos = forceLayout(d.nodes, d.edges, 600, 420);
  const index = Object.fromEntries(d.nodes.map((nd, i) => [nd.actor_key, i]));
  const maxN = Math.max(1, ...d.edges.map((e) => e.n));
  const quads = Object.keys(QUAD_COLORS);
  const g = svg('g');
  d.edges.forEach((e) => {
    const a = pos[index[e.source]], b = pos[index[e.target]];
    const off = (quads.indexOf(e.quad_class) - 1.5) * 6 + 4;  // separate parallel edges by quad class
    const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2, len = Math.max(Math.hypot(b.x - a.x, b.y - a.y), 1);
    const cx = mx - (b.y - a.y) / len * off, cy = my + (b.x - a.x) / len * off;
    const p = svg('path', { class: 'edge', d: `M${a.x.toFixed(1)},${a.y.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}`,
      stroke: QUAD_COLORS[e.quad_class] || '#888', 'stroke-width': (0.8 + 4 * e.n / maxN).toFixed(2) });
    svgTitle(p, d.nodes[index[e.source]].name + ' \u2192 ' + d.nodes[index[e.target]].name + ': ' + e.n + ' ' + e.quad_class.replace('_', ' ') + ' events');
    g.append(p);
  });
  const maxDeg = Math.max(1, ...d.nodes.map((nd) => nd.degree));
  d.nodes.forEach((nd, i) => {
    const grp = svg('g', { class: 'node', transform: `translate(${pos[i].x.toFixed(1)},${pos[i].y.toFixed(1)})` });
    const c = svg('circle', { r: (4 + 8 * Math.sqrt(nd.degree / maxDeg)).toFixed(1) });
    svgTitle(c, nd.name + (nd.country ? ' (' + nd.country + ')' : '') + ': ' + nd.degree + ' events');
    c.addEventListener('click', () => setFilter('actor', nd.actor_key));
    const right = pos[i].x > 400;  // labels on the right-hand side grow leftwards
    const t = svg('text', right ? { x: -10, y: 3, 'text-anchor': 'end' } : { x: 10, y: 3 });
    t.textContent = nd.name;
    grp.append(c, t);
    g.append(grp);
  });
  node.append(g);
  node.dataset.nodes = String(d.nodes.length);
  node.dataset.edges = String(d.edges.length);
}

function renderLegend() {
  const lg = document.getElementById('quad-legend');
  clear(lg);
  Object.entries(QUAD_COLORS).forEach(([q, col]) => {
    const i = el('i'); i.style.background = col;
    lg.append(el('span', {}, i, q.replace('_', ' ')));
  });
}

async function renderEscalation() {
  const d = await getJSON('/api/escalation?' + query({ limit: 10 }));
  const rising = document.getElementById('rising');
  clear(rising);
  d.rising.forEach((r) => {
    const label = (r.a_actor ? r.a_actor.name : r.a) + ' \u2194 ' + (r.b_actor ? r.b_actor.name : r.b);
    const b = el('button', { type: 'button' }, label);
    b.addEventListener('click', () => { state.dyad = [r.a, r.b]; formToURL(); renderDyad().catch(report('dyad')); });
    rising.append(el('li', {}, b, ' z=' + r.z + ' (recent ' + r.recent_mean + ' vs ' + r.history_mean + ')'));
  });
  if (!d.rising.length) rising.append(el('li', { class: 'subtle' }, 'none in this selection'));
  const rx = document.getElementById('reactions');
  clear(rx);
  d.action_reaction.forEach((p) => {
    const txt = p.action.date + ' ' + p.action.source.name + ' ' + p.action.type + ' ' + p.action.target.name +
      ' \u2192 ' + p.reaction.date + ' ' + p.reaction.type + ' back (' + p.lag_days + ' d)';
    const b = el('button', { type: 'button' }, txt);
    b.addEventListener('click', () => openEvent(p.reaction.event_key));
    rx.append(el('li', {}, b));
  });
  if (!d.action_reaction.length) rx.append(el('li', { class: 'subtle' }, 'none in this selection'));
  return d;
}

async function pickDyad(esc) {
  const p = new URLSearchParams(location.search);
  if (p.get('dyad_a') && p.get('dyad_b')) return [p.get('dyad_a'), p.get('dyad_b')];
  if (state.dyad) return state.dyad;
  if (esc && esc.rising.length) return [esc.rising[0].a, esc.rising[0].b];
  const net = await getJSON('/api/network?' + query({ max_nodes: 10 }));
  const top = net.edges.slice().sort((x, y) => y.n - x.n)[0];
  return top ? [top.source, top.target] : null;
}

async function renderDyad(esc) {
  const node = document.getElementById('dyad');
  const title = document.getElementById('dyad-title');
  const pair = await pickDyad(esc);
  if (!pair) { Plotly.purge(node); title.textContent = 'No dyad in this selection.'; node.dataset.periods = '0'; return; }
  const f = currentFilters(); delete f.actor;  // the pair already names the actors
  const p = new URLSearchParams(f); p.set('a', pair[0]); p.set('b', pair[1]); p.set('interval', 'week');
  let d;
  try { d = await getJSON('/api/dyads?' + p.toString()); } catch (e) {
    title.textContent = 'Dyad not available: ' + e.message; node.dataset.periods = '0'; return;
  }
  title.textContent = d.a.name + ' \u2194 ' + d.b.name + ' (per week; bars = events, lines = summed Goldstein)';
  const x = d.series.map((s) => s.period);
  const traces = [
    { type: 'bar', name: d.a.name + ' \u2192 ' + d.b.name, x, y: d.series.map((s) => s.a_to_b.n), marker: { color: '#c0392b' } },
    { type: 'bar', name: d.b.name + ' \u2192 ' + d.a.name, x, y: d.series.map((s) => s.b_to_a.n), marker: { color: '#2c6fbb' } },
    { type: 'scatter', mode: 'lines', name: 'Goldstein ' + d.a.name + ' \u2192', x, y: d.series.map((s) => s.a_to_b.goldstein), yaxis: 'y2', line: { color: '#c0392b', dash: 'dot' } },
    { type: 'scatter', mode: 'lines', name: 'Goldstein ' + d.b.name + ' \u2192', x, y: d.series.map((s) => s.b_to_a.goldstein), yaxis: 'y2', line: { color: '#2c6fbb', dash: 'dot' } },
  ];
  await Plotly.react(node, traces, {
    barmode: 'group', margin: { l: 40, r: 50, t: 10, b: 40 }, legend: { orientation: 'h', y: -0.25 },
    yaxis: { title: { text: 'events' } }, yaxis2: { title: { text: 'Goldstein sum' }, overlaying: 'y', side: 'right' },
  }, { displaylogo: false, responsive: true });
  node.dataset.periods = String(d.series.length);
}

async function renderTable() {
  const table = document.getElementById('events');
  const body = table.tBodies[0];
  const d = await getJSON('/api/events?' + query({ limit: PAGE, offset: state.offset }));
  clear(body);
  d.events.forEach((ev) => {
    const loc = ev.location ? ev.location.name + (ev.location.country ? ' (' + ev.location.country + ')' : '') : '';
    const tr = el('tr', { 'data-key': ev.event_key, tabindex: '0' },
      el('td', {}, ev.date || ''), el('td', {}, ev.type), el('td', {}, actorName(ev.source)),
      el('td', {}, actorName(ev.target)), el('td', {}, loc), el('td', {}, ev.fatalities == null ? '' : ev.fatalities),
      el('td', {}, ev.status), el('td', { class: 'evidence', title: ev.evidence.text }, ev.evidence.text));
    tr.addEventListener('click', () => openEvent(ev.event_key));
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') openEvent(ev.event_key); });
    body.append(tr);
  });
  const last = Math.min(d.offset + d.events.length, d.total);
  document.getElementById('page').textContent = d.total ? (d.offset + 1) + '\u2013' + last + ' of ' + d.total : 'no events';
  document.getElementById('prev').disabled = d.offset === 0;
  document.getElementById('next').disabled = last >= d.total;
  table.dataset.total = String(d.total);
  table.dataset.rows = String(d.events.length);
}

/* ------------------------------------------------------------ article view */
function highlighted(text, ev) {
  // text before | <mark>evidence (trigger in <strong>)</mark> | after; all as text nodes
  const box = el('div', { class: 'article-text' });
  if (!(ev.end > ev.start)) { box.append(text); return box; }
  box.append(text.slice(0, ev.start));
  const mark = el('mark', { class: 'evidence' });
  if (ev.trigger_start != null && ev.trigger_start >= ev.start && ev.trigger_end <= ev.end) {
    mark.append(text.slice(ev.start, ev.trigger_start), el('strong', {}, text.slice(ev.trigger_start, ev.trigger_end)),
      text.slice(ev.trigger_end, ev.end));
  } else {
    mark.append(text.slice(ev.start, ev.end));
  }
  box.append(mark, text.slice(ev.end));
  return box;
}

async function openEvent(key) {
  const panel = document.getElementById('article');
  const body = document.getElementById('article-body');
  clear(body);
  panel.hidden = false;
  let d;
  try { d = await getJSON('/api/events/' + encodeURIComponent(key)); } catch (e) { showError(body, e); return; }
  const r = d.record;
  body.append(el('h2', {}, r.type + (r.date ? ' on ' + r.date : '')),
    el('p', { class: 'meta' }, actorName(r.source) + ' \u2192 ' + actorName(r.target) +
      (r.location ? ' at ' + r.location.name : '') + ' | ' + r.status + ' | ' + d.n_mentions + ' mention(s), ' + d.n_sources + ' source(s)'));
  d.mentions.forEach((m) => {
    const a = m.article;
    const head = el('h3', {}, a.title || a.id || 'article');
    const meta = el('p', { class: 'meta' }, [a.source, a.published, a.id].filter(Boolean).join(' | ') + ' ');
    if (a.url && /^https?:\/\//i.test(a.url)) meta.append(el('a', { href: a.url, rel: 'noopener noreferrer nofollow', target: '_blank' }, a.url));
    body.append(head, meta, highlighted(a.text || '', m.evidence));
  });
  const mark = body.querySelector('mark.evidence');
  if (mark) mark.scrollIntoView({ block: 'center' });
  panel.dataset.key = key;
}

/* ------------------------------------------------------------ wiring */
function report(where) {
  return (err) => { console.warn('eventwire: ' + where + ' failed: ' + err.message); };
}

async function refresh() {
  const gen = ++state.generation;
  state.offset = 0;
  const p = new URLSearchParams(location.search);
  state.dyad = (p.get('dyad_a') && p.get('dyad_b')) ? [p.get('dyad_a'), p.get('dyad_b')] : null;
  document.body.dataset.ready = 'false';
  const jobs = [
    renderSummary().catch((e) => showError(document.getElementById('summary'), e)),
    renderTimeline().catch((e) => showError(document.getElementById('timeline'), e)),
    renderMap().catch(report('map')),
    renderNetwork().catch(report('network')),
    renderTable().catch((e) => showError(document.getElementById('events').tBodies[0], e)),
    renderEscalation().then((esc) => renderDyad(esc)).catch(report('escalation')),
  ];
  await Promise.all(jobs);
  if (gen === state.generation) document.body.dataset.ready = 'true';
}

async function loadActors() {
  const d = await getJSON('/api/actors?limit=200');
  const list = document.getElementById('actor-list');
  d.actors.forEach((a) => list.append(el('option', { value: a.id || a.name }, a.name)));
}

async function main() {
  renderLegend();
  await loadFacets();
  loadActors().catch(report('actors'));
  fillForm();
  const form = document.getElementById('filters');
  form.addEventListener('submit', (e) => { e.preventDefault(); state.dyad = null; formToURL(); refresh(); });
  document.getElementById('reset').addEventListener('click', () => { form.reset(); state.dyad = null; formToURL(); refresh(); });
  document.getElementById('prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); renderTable(); });
  document.getElementById('next').addEventListener('click', () => { state.offset += PAGE; renderTable(); });
  document.getElementById('close-article').addEventListener('click', () => { document.getElementById('article').hidden = true; });
  window.addEventListener('popstate', () => { fillForm(); refresh(); });
  await refresh();
}

document.addEventListener('DOMContentLoaded', () => { main().catch((e) => showError(document.getElementById('summary'), e)); });
