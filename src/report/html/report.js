'use strict';
// cmdsentry HTML report: draws the page from the JSON blocks embedded in it (docs/report.md).
// Rules: no network, no library, no HTML parsing of data: every string from the logs goes in through
// textContent (or a canvas fillText) after vis(), which shows control, bidi, zero-width and
// padding characters visibly. The Content-Security-Policy allows this script and the page's
// style only (by hash), so no markup a log could smuggle in would run either.
(function () {
  // Columns of a finding row (src/report/html_writer.cpp, HtmlWriter::add).
  const C = {time: 0, host: 1, user: 2, phase: 3, command: 4, rule: 5, tactic: 6, level: 7,
    noise: 8, obf: 9, args: 10, line: 11, image: 12, parent: 13, source: 14, record: 15,
    incident: 16, technique: 17, ancestry: 18, origin: 19};
  const INTERNED = [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 16, 17, 18, 19];
  const STUDY = ['recon', 'discovery', 'spread'];
  const STUDY_MARK = {recon: '\u2460', discovery: '\u2461', spread: '\u2462'};
  const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
  const PHASE_COLORS = {recon: '#1f77b4', discovery: '#ff7f0e', spread: '#d62728'};
  const OTHER_COLORS = ['#9467bd', '#2ca02c', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
  const ROW = 22;            // findings table row height, px
  const MAX_CARDS = 100;     // incident cards drawn at once (the rest: "show more")
  const MAX_LANES = 40;      // hosts drawn in the timeline
  const TOP_ROWS = 10;       // commands per phase in the top-commands tables

  const errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });

  // Characters that can hide or disguise text: C0/C1 controls, DEL, bidi marks, overrides and
  // isolates, zero-width and invisible characters, unusual spaces; shown as ⟨U+XXXX⟩. Runs of 8
  // or more spaces (padding that pushes the rest of a line out of view) are shown counted. Tag
  // characters (U+E0000..E007F, which can smuggle invisible ASCII) and variation selectors too.
  const HIDDEN = /[\u0000-\u001f\u007f-\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;
  function vis(s) {
    if (s === null || s === undefined) return '';
    s = String(s);
    return s.replace(HIDDEN, function (c) {
      return '\u27e8U+' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '\u27e9';
    }).replace(/ {8,}/g, function (m) { return ' \u27e8' + m.length + ' spaces\u27e9 '; });
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = vis(text);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function iso(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return '';
    return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  }
  function isoText(s) { return typeof s === 'string' ? s.replace('T', ' ').replace(/\.\d+Z$/, '') : ''; }
  function str(x) { return typeof x === 'string' ? x : (x === null || x === undefined ? '' : String(x)); }
  function arr(x) { return Array.isArray(x) ? x : []; }

  const otherColor = new Map();
  function phaseColor(p) {
    if (PHASE_COLORS[p]) return PHASE_COLORS[p];
    if (!otherColor.has(p)) otherColor.set(p, OTHER_COLORS[otherColor.size % OTHER_COLORS.length]);
    return otherColor.get(p);
  }
  function phaseOrder(a, b) {
    const ia = STUDY.indexOf(a), ib = STUDY.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 9 : ia) - (ib < 0 ? 9 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function phaseChip(p) {
    const c = el('span', 'cs-chip', (STUDY_MARK[p] ? STUDY_MARK[p] + ' ' : '') + (p || '(no phase)'));
    c.style.backgroundColor = phaseColor(p);
    return c;
  }

  // ---- data -------------------------------------------------------------------------------
  const D = {meta: {}, run: null, rows: [], incidents: [], automation: [], hay: null};
  function load() {
    const strings = [];
    for (const block of document.querySelectorAll('script.cs-data')) {
      const d = JSON.parse(block.textContent);
      block.textContent = '';
      if (d.meta) { D.meta = d.meta; continue; }
      for (const s of arr(d.s)) strings.push(str(s));
      for (const r of arr(d.f)) {
        if (!Array.isArray(r) || r.length < 20) continue;
        for (const k of INTERNED) r[k] = typeof r[k] === 'number' ? (strings[r[k]] || '') : str(r[k]);
        r[C.args] = str(r[C.args]);
        r[C.line] = str(r[C.line]);
        if (typeof r[C.time] !== 'number') r[C.time] = null;
        D.rows.push(r);
      }
      for (const i of arr(d.i)) if (i && typeof i === 'object') D.incidents.push(i);
      for (const a of arr(d.a)) if (a && typeof a === 'object') D.automation.push(a);
      if (d.run && typeof d.run === 'object') D.run = d.run;
    }
  }
  function hay(i) {
    if (!D.hay) D.hay = new Array(D.rows.length);
    let h = D.hay[i];
    if (h === undefined) {
      const r = D.rows[i];
      h = [r[C.line], r[C.command], r[C.rule], r[C.host], r[C.user], r[C.image], r[C.parent],
        r[C.incident], r[C.tactic], r[C.technique], r[C.source]].join('\n').toLowerCase();
      D.hay[i] = h;
    }
    return h;
  }

  // ---- filters and view ---------------------------------------------------------------------
  const state = {host: '', user: '', phase: '', level: '', text: '', sort: 'time', dir: 1};
  let view = [];
  function matches(i) {
    const r = D.rows[i];
    if (state.host && r[C.host] !== state.host) return false;
    if (state.user && r[C.user] !== state.user) return false;
    if (state.phase && r[C.phase] !== state.phase) return false;
    if (state.level && LEVELS.indexOf(r[C.level]) < LEVELS.indexOf(state.level)) return false;
    if (state.text && hay(i).indexOf(state.text) < 0) return false;
    return true;
  }
  function sortView() {
    const k = C[state.sort], dir = state.dir;
    view.sort(function (a, b) {
      let x = D.rows[a][k], y = D.rows[b][k];
      if (k === C.level) { x = LEVELS.indexOf(x); y = LEVELS.indexOf(y); }
      if (x === y) return (a - b) * dir;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * dir;
    });
  }
  function apply() {
    const t0 = performance.now();
    view = [];
    for (let i = 0; i < D.rows.length; ++i) if (matches(i)) view.push(i);
    sortView();
    $('cs-count').textContent = view.length.toLocaleString('en') + ' of ' +
      D.rows.length.toLocaleString('en') + ' findings shown';
    drawTable(true);
    drawTimeline();
    drawTop();
    drawIncidents();
    return performance.now() - t0;
  }
  function fillSelect(id, values, label) {
    const s = $(id);
    for (const v of values) {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = vis(label ? label(v) : v);
      s.appendChild(o);
    }
  }
  function distinct(col) {
    const m = new Map();
    for (const r of D.rows) m.set(r[col], (m.get(r[col]) || 0) + 1);
    return m;
  }
  let textTimer = 0;
  function setupFilters() {
    const hosts = distinct(C.host), users = distinct(C.user), phases = distinct(C.phase);
    fillSelect('cs-f-host', Array.from(hosts.keys()).sort(), function (v) { return v + ' (' + hosts.get(v) + ')'; });
    fillSelect('cs-f-user', Array.from(users.keys()).sort(), function (v) { return v + ' (' + users.get(v) + ')'; });
    fillSelect('cs-f-phase', Array.from(phases.keys()).sort(phaseOrder), function (v) { return v + ' (' + phases.get(v) + ')'; });
    fillSelect('cs-f-level', LEVELS, function (v) { return '\u2265 ' + v; });
    for (const k of ['host', 'user', 'phase', 'level']) {
      $('cs-f-' + k).addEventListener('change', function (e) { state[k] = e.target.value; apply(); });
    }
    $('cs-f-text').addEventListener('input', function (e) {
      clearTimeout(textTimer);
      textTimer = setTimeout(function () { state.text = e.target.value.trim().toLowerCase(); apply(); }, 150);
    });
    $('cs-filters').addEventListener('submit', function (e) { e.preventDefault(); });
    $('cs-f-reset').addEventListener('click', function () {
      for (const k of ['host', 'user', 'phase', 'level', 'text']) { state[k] = ''; $('cs-f-' + k).value = ''; }
      apply();
    });
  }
  function setFilter(k, v) {
    state[k] = k === 'text' ? String(v).toLowerCase() : String(v);
    const input = $('cs-f-' + k);
    if (input) input.value = String(v);
  }

  // ---- overview -----------------------------------------------------------------------------
  function card(label, value, sub) {
    const c = el('div', 'cs-card');
    c.appendChild(el('div', 'cs-card-value', value));
    c.appendChild(el('div', 'cs-card-label', label));
    if (sub) c.appendChild(el('div', 'cs-card-sub', sub));
    return c;
  }
  function drawOverview() {
    const m = D.meta;
    if (m.title) { $('cs-title').textContent = vis(m.title); document.title = vis(m.title); }
    const parts = [];
    if (m.input) parts.push('input: ' + m.input);
    if (m.generated) parts.push('generated ' + m.generated);
    if (m.version) parts.push('cmdsentry ' + m.version);
    if (D.run) parts.push(D.run.files + ' file(s), ' + D.run.records + ' records, ' + D.run.executions + ' executions analysed');
    $('cs-meta').textContent = vis(parts.join(' \u00b7 '));
    let lo = Infinity, hi = -Infinity;
    for (const r of D.rows) if (r[C.time] !== null) { lo = Math.min(lo, r[C.time]); hi = Math.max(hi, r[C.time]); }
    const cards = $('cs-cards');
    cards.appendChild(card('findings', D.rows.length.toLocaleString('en')));
    cards.appendChild(card('incidents', D.incidents.length.toLocaleString('en')));
    cards.appendChild(card('hosts', distinct(C.host).size.toLocaleString('en')));
    cards.appendChild(card('users', distinct(C.user).size.toLocaleString('en')));
    cards.appendChild(card('time range (UTC)', lo <= hi ? iso(lo).slice(0, 16) : '-', lo <= hi ? 'to ' + iso(hi).slice(0, 16) : ''));
    const byPhase = distinct(C.phase), byLevel = distinct(C.level);
    const pc = el('div', 'cs-card cs-wide');
    pc.appendChild(el('div', 'cs-card-label', 'findings by phase'));
    for (const p of Array.from(byPhase.keys()).sort(phaseOrder)) {
      const line = el('div', 'cs-bar-line');
      line.appendChild(phaseChip(p));
      line.appendChild(el('span', 'cs-num', byPhase.get(p).toLocaleString('en')));
      pc.appendChild(line);
    }
    cards.appendChild(pc);
    const lc = el('div', 'cs-card cs-wide');
    lc.appendChild(el('div', 'cs-card-label', 'findings by level'));
    for (const l of LEVELS.slice().reverse()) {
      if (!byLevel.has(l)) continue;
      const line = el('div', 'cs-bar-line');
      line.appendChild(el('span', 'cs-level cs-level-' + l, l));
      line.appendChild(el('span', 'cs-num', byLevel.get(l).toLocaleString('en')));
      lc.appendChild(line);
    }
    cards.appendChild(lc);
  }

  // ---- timeline -----------------------------------------------------------------------------
  function drawTimeline() {
    const canvas = $('cs-timeline');
    const lanes = new Map();
    let lo = Infinity, hi = -Infinity;
    for (const i of view) {
      const r = D.rows[i];
      if (r[C.time] === null) continue;
      lo = Math.min(lo, r[C.time]); hi = Math.max(hi, r[C.time]);
      if (!lanes.has(r[C.host])) lanes.set(r[C.host], {first: r[C.time], n: 0});
      const l = lanes.get(r[C.host]);
      l.first = Math.min(l.first, r[C.time]);
      ++l.n;
    }
    const hosts = Array.from(lanes.keys()).sort(function (a, b) { return lanes.get(a).first - lanes.get(b).first; });
    const shown = hosts.slice(0, MAX_LANES);
    const index = new Map(shown.map(function (h, k) { return [h, k]; }));
    const width = Math.max(600, canvas.parentElement.clientWidth - 4);
    const laneH = 20, top = 8, left = 170, bottom = 28;
    const height = top + Math.max(1, shown.length) * laneH + bottom;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '12px system-ui, sans-serif';
    g.textBaseline = 'middle';
    const span = Math.max(1, hi - lo), plotW = width - left - 10;
    const x = function (t) { return left + (t - lo) / span * plotW; };
    shown.forEach(function (h, k) {
      const y = top + k * laneH;
      g.fillStyle = k % 2 ? '#f4f6f8' : '#ffffff';
      g.fillRect(left, y, plotW, laneH);
      g.fillStyle = '#222';
      let label = vis(h || '(no host)');
      if (label.length > 24) label = label.slice(0, 23) + '\u2026';
      g.fillText(label, 4, y + laneH / 2);
    });
    let points = 0;
    // Study phases last, so recon/discovery/spread stay visible over other tactics.
    const order = view.slice().sort(function (a, b) { return STUDY.indexOf(D.rows[a][C.phase]) - STUDY.indexOf(D.rows[b][C.phase]); });
    for (const i of order) {
      const r = D.rows[i];
      if (r[C.time] === null || !index.has(r[C.host])) continue;
      g.fillStyle = phaseColor(r[C.phase]);
      g.fillRect(Math.round(x(r[C.time])) - 1, top + index.get(r[C.host]) * laneH + 3, 3, laneH - 6);
      ++points;
    }
    g.fillStyle = '#444';
    g.textBaseline = 'top';
    if (lo <= hi) {
      for (let k = 0; k <= 4; ++k) {
        const t = lo + span * k / 4;
        const tx = Math.min(width - 120, Math.max(left, x(t) - 55));
        g.fillText(iso(t).slice(0, 16), tx, top + shown.length * laneH + 8);
      }
    }
    canvas.dataset.points = String(points);
    canvas.dataset.lanes = String(shown.length);
    $('cs-timeline-note').textContent = hosts.length > shown.length
      ? (hosts.length - shown.length) + ' more host(s) not drawn: filter by host to see one'
      : (points ? '' : 'no findings with a time in the current filter');
    const legend = $('cs-legend');
    legend.textContent = '';
    for (const p of Array.from(new Set(view.map(function (i) { return D.rows[i][C.phase]; }))).sort(phaseOrder)) legend.appendChild(phaseChip(p));
  }

  // ---- incidents ----------------------------------------------------------------------------
  let cardLimit = MAX_CARDS;
  function tree(evidence) {
    // Each finding's ancestry ("cmd.exe < w3wp.exe < svchost.exe", nearest first) read from the
    // root down, the command as the leaf; shared ancestors merge.
    const root = {kids: new Map(), leaves: []};
    for (const e of evidence) {
      const path = str(e.ancestry).split(' < ').filter(function (x) { return x; }).reverse();
      let node = root;
      for (const p of path) {
        if (!node.kids.has(p)) node.kids.set(p, {kids: new Map(), leaves: []});
        node = node.kids.get(p);
      }
      node.leaves.push(isoText(str(e.timestamp)).slice(11) + '  ' + str(e.command_line || e.image));
    }
    function render(node) {
      const ul = el('ul', 'cs-tree');
      for (const [name, kid] of node.kids) {
        const li = el('li', 'cs-proc', name);
        li.appendChild(render(kid));
        ul.appendChild(li);
      }
      for (const leaf of node.leaves) ul.appendChild(el('li', 'cs-leaf', leaf));
      return ul;
    }
    return render(root);
  }
  function incidentCard(inc) {
    const c = el('article', 'cs-incident');
    c.dataset.id = str(inc.id);
    const h = el('h3', '', str(inc.id) + ' \u00b7 score ' + str(inc.score));
    c.appendChild(h);
    c.appendChild(el('p', 'cs-inc-where', str(inc.host) + ' \u00b7 ' + str(inc.user) + ' \u00b7 ' +
      isoText(inc.start) + ' \u2192 ' + isoText(inc.end) + ' UTC \u00b7 ' + str(inc.findings_total) + ' finding(s)'));
    const ph = el('p', 'cs-phases');
    for (const p of arr(inc.phases)) ph.appendChild(phaseChip(str(p)));
    c.appendChild(ph);
    if (arr(inc.targets).length) c.appendChild(el('p', 'cs-targets', 'targets: ' + arr(inc.targets).map(str).join(' ')));
    if (arr(inc.related).length) c.appendChild(el('p', 'cs-related', 'related: ' + arr(inc.related).map(str).join(' ')));
    const why = el('ul', 'cs-reasons');
    for (const r of arr(inc.reasons)) why.appendChild(el('li', '', str(r)));
    c.appendChild(why);
    const ev = arr(inc.findings);
    const chain = el('details', 'cs-chain');
    chain.appendChild(el('summary', '', 'Evidence chain (' + ev.length + ')'));
    const ol = el('ol');
    for (const e of ev) {
      const li = el('li');
      li.appendChild(el('span', 'cs-time', isoText(str(e.timestamp))));
      if (e.phase) li.appendChild(phaseChip(str(e.phase)));
      li.appendChild(el('span', 'cs-cmd', str(e.command)));
      li.appendChild(el('code', '', str(e.command_line || e.image)));
      li.appendChild(el('span', 'cs-src', str(e.source) + ' #' + str(e.record)));
      ol.appendChild(li);
    }
    chain.appendChild(ol);
    c.appendChild(chain);
    const pt = el('details', 'cs-ptree');
    pt.open = ev.length <= 12;
    pt.appendChild(el('summary', '', 'Process tree'));
    pt.appendChild(tree(ev));
    c.appendChild(pt);
    const b = el('button', 'cs-show', 'Show its findings');
    b.type = 'button';
    b.addEventListener('click', function () { setFilter('text', str(inc.id)); apply(); $('cs-table-section').scrollIntoView(); });
    c.appendChild(b);
    return c;
  }
  function drawIncidents() {
    const box = $('cs-incidents');
    box.textContent = '';
    const list = D.incidents.filter(function (inc) {
      return (!state.host || inc.host === state.host) && (!state.user || inc.user === state.user) &&
        (!state.phase || arr(inc.phases).indexOf(state.phase) >= 0 ||
         arr(inc.findings).some(function (e) { return e.phase === state.phase; }));
    }).sort(function (a, b) { return (Number(b.score) || 0) - (Number(a.score) || 0) || (str(a.start) < str(b.start) ? -1 : 1); });
    if (!list.length) box.appendChild(el('p', 'cs-empty', D.incidents.length ? 'no incident in the current filter' : 'no incidents'));
    for (const inc of list.slice(0, cardLimit)) box.appendChild(incidentCard(inc));
    if (list.length > cardLimit) {
      const more = el('button', 'cs-more', 'Show ' + Math.min(MAX_CARDS, list.length - cardLimit) + ' more of ' + (list.length - cardLimit));
      more.type = 'button';
      more.addEventListener('click', function () { cardLimit += MAX_CARDS; drawIncidents(); });
      box.appendChild(more);
    }
  }

  // ---- top commands per phase (the study's table form) -----------------------------------
  function options(args) {
    const out = [];
    for (const t of str(args).split(/\s+/)) {
      if (!/^[\/-][A-Za-z?]/.test(t)) continue;
      out.push(t.replace(/[:=].*$/, '').toLowerCase());
    }
    return out;
  }
  function drawTop() {
    const phases = new Map();
    for (const i of view) {
      const r = D.rows[i];
      if (!phases.has(r[C.phase])) phases.set(r[C.phase], new Map());
      const cmds = phases.get(r[C.phase]);
      if (!cmds.has(r[C.command])) cmds.set(r[C.command], {n: 0, first: i, opts: new Map()});
      const c = cmds.get(r[C.command]);
      ++c.n;
      for (const o of new Set(options(r[C.args]))) c.opts.set(o, (c.opts.get(o) || 0) + 1);
    }
    const box = $('cs-top');
    box.textContent = '';
    for (const p of Array.from(phases.keys()).sort(phaseOrder)) {
      const sec = el('div', 'cs-top-phase');
      const h = el('h3');
      h.appendChild(phaseChip(p));
      sec.appendChild(h);
      const t = el('table', 'cs-top-table');
      const head = el('tr');
      for (const name of ['Rank', 'Command', 'Count', 'Options']) head.appendChild(el('th', '', name));
      t.appendChild(head);
      const rows = Array.from(phases.get(p).entries()).sort(function (a, b) { return b[1].n - a[1].n || a[1].first - b[1].first; });
      rows.slice(0, TOP_ROWS).forEach(function (e, k) {
        const tr = el('tr');
        tr.appendChild(el('td', 'cs-num', String(k + 1)));
        tr.appendChild(el('td', '', e[0]));
        tr.appendChild(el('td', 'cs-num', String(e[1].n)));
        const opts = Array.from(e[1].opts.entries()).sort(function (a, b) { return b[1] - a[1]; }).slice(0, 3).map(function (o) { return o[0]; });
        tr.appendChild(el('td', '', opts.join(' ')));
        t.appendChild(tr);
      });
      sec.appendChild(t);
      if (rows.length > TOP_ROWS) sec.appendChild(el('p', 'cs-note', (rows.length - TOP_ROWS) + ' more command(s)'));
      box.appendChild(sec);
    }
  }

  function drawAutomation() {
    const box = $('cs-automation');
    if (!D.automation.length) { $('cs-automation-section').hidden = true; return; }
    const ul = el('ul');
    for (const a of D.automation) {
      ul.appendChild(el('li', '', str(a.pattern) + ': ' + str(a.count) + ' finding(s) on ' + str(a.hosts) +
        ' host(s) (' + arr(a.commands).map(str).join(', ') + '); ' + str(a.evidence)));
    }
    box.appendChild(ul);
  }

  // ---- findings table (virtualised: only the rows in view exist in the DOM) -------------
  const COLS = [
    ['time', 'Time (UTC)'], ['host', 'Host'], ['user', 'User'], ['phase', 'Phase'], ['level', 'Level'],
    ['rule', 'Rule'], ['line', 'Command line'], ['obf', 'Obf'], ['incident', 'Incident']];
  let pool = [];
  let selected = -1;
  function setupTable() {
    const head = $('cs-thead');
    for (const [key, name] of COLS) {
      const h = el('div', 'cs-th cs-c-' + key, name);
      h.dataset.key = key;
      h.setAttribute('role', 'columnheader');
      h.addEventListener('click', function () {
        state.dir = state.sort === key ? -state.dir : 1;
        state.sort = key;
        sortView();
        drawTable(true);
      });
      head.appendChild(h);
    }
    $('cs-scroll').addEventListener('scroll', function () { requestAnimationFrame(function () { drawTable(false); }); });
    const detail = el('div', 'cs-detail');
    detail.id = 'cs-detail';
    $('cs-table-section').appendChild(detail);
  }
  function drawTable(reset) {
    const scroll = $('cs-scroll'), spacer = $('cs-spacer');
    spacer.style.height = (view.length * ROW) + 'px';
    if (reset) scroll.scrollTop = 0;
    for (const h of $('cs-thead').children) {
      h.classList.toggle('cs-sorted', h.dataset.key === state.sort);
      h.dataset.dir = h.dataset.key === state.sort ? (state.dir > 0 ? 'asc' : 'desc') : '';
    }
    const first = Math.floor(scroll.scrollTop / ROW);
    const count = Math.min(view.length - first, Math.ceil(scroll.clientHeight / ROW) + 2);
    while (pool.length < count) {
      const row = el('div', 'cs-row');
      for (const [key] of COLS) row.appendChild(el('span', 'cs-td cs-c-' + key));
      row.addEventListener('click', function () { showDetail(Number(row.dataset.index)); });
      spacer.appendChild(row);
      pool.push(row);
    }
    pool.forEach(function (row, k) {
      if (k >= count) { row.hidden = true; return; }
      row.hidden = false;
      const idx = view[first + k], r = D.rows[idx];
      row.dataset.index = String(idx);
      row.style.top = ((first + k) * ROW) + 'px';
      row.classList.toggle('cs-selected', idx === selected);
      const cells = row.children;
      const values = [iso(r[C.time]).slice(0, 19), r[C.host], r[C.user], r[C.phase], r[C.level], r[C.rule],
        r[C.line] || r[C.image], String(r[C.obf]), r[C.incident]];
      for (let c = 0; c < values.length; ++c) {
        const v = vis(values[c]);
        if (cells[c].textContent !== v) { cells[c].textContent = v; cells[c].title = v; }
      }
      cells[3].style.color = phaseColor(r[C.phase]);
    });
  }
  function showDetail(idx) {
    selected = idx;
    const r = D.rows[idx], box = $('cs-detail');
    box.textContent = '';
    const dl = el('dl');
    const fields = [['time (UTC)', iso(r[C.time])], ['host', r[C.host]], ['user', r[C.user]], ['phase', r[C.phase]],
      ['command', r[C.command]], ['rule', r[C.rule]], ['tactic', r[C.tactic]], ['technique', r[C.technique]],
      ['level', r[C.level]], ['noise', r[C.noise]], ['obfuscation', r[C.obf]], ['command line', r[C.line]],
      ['args', r[C.args]], ['image', r[C.image]], ['parent image', r[C.parent]], ['ancestry', r[C.ancestry]],
      ['origin', r[C.origin]], ['incident', r[C.incident]], ['source', r[C.source] + ' #' + r[C.record]]];
    for (const [k, v] of fields) {
      if (v === '' || v === null) continue;
      dl.appendChild(el('dt', '', k));
      dl.appendChild(el('dd', '', String(v)));
    }
    box.appendChild(dl);
    drawTable(false);
  }

  // ---- test mode: #cs-test&host=H&phase=P&text=T&level=L&user=U&sort=KEY:desc&scroll=ROWS ----
  function unsafeNodes() {
    let n = 0;
    for (const e of document.querySelectorAll('*')) {
      if (/^(img|iframe|object|embed|frame|link|base|meta|form|textarea|svg|math)$/i.test(e.tagName) &&
          !(e.tagName === 'META' && e.parentElement === document.head) && e.id !== 'cs-filters') ++n;
      for (const a of e.attributes) if (/^on/i.test(a.name) || /javascript:/i.test(a.value)) ++n;
    }
    return n;
  }
  function testMode(loadMs) {
    const hash = location.hash;
    if (!hash.startsWith('#cs-test')) return;
    const params = new URLSearchParams(hash.slice(1).replace(/^cs-test&?/, ''));
    for (const k of ['host', 'user', 'phase', 'level', 'text']) if (params.has(k)) setFilter(k, params.get(k));
    if (params.has('sort')) {
      const [key, dir] = params.get('sort').split(':');
      if (C[key] !== undefined) { state.sort = key; state.dir = dir === 'desc' ? -1 : 1; }
    }
    const applyMs = apply();
    if (params.has('scroll')) { $('cs-scroll').scrollTop = Number(params.get('scroll')) * ROW; drawTable(false); }
    const rendered = pool.filter(function (r) { return !r.hidden; });
    const result = {
      findings: D.rows.length, shown: view.length, incidents: D.incidents.length,
      incident_cards: $('cs-incidents').querySelectorAll('.cs-incident').length,
      table_rows_in_dom: $('cs-spacer').children.length,
      table_rows_visible: rendered.length,
      first_rows: rendered.slice(0, 5).map(function (row) { return Array.from(row.children).map(function (c) { return c.textContent; }); }),
      timeline_points: Number($('cs-timeline').dataset.points),
      timeline_lanes: Number($('cs-timeline').dataset.lanes),
      top_phases: Array.from($('cs-top').querySelectorAll('.cs-top-phase h3')).map(function (h) { return h.textContent; }),
      overview: Array.from($('cs-cards').querySelectorAll('.cs-card-value')).map(function (c) { return c.textContent; }),
      unsafe_nodes: unsafeNodes(), errors: errors, load_ms: Math.round(loadMs), apply_ms: Math.round(applyMs)};
    const out = $('cs-test-result');
    out.textContent = JSON.stringify(result);
    out.hidden = false;
  }

  function main() {
    const t0 = performance.now();
    try {
      load();
      drawOverview();
      setupFilters();
      setupTable();
      drawAutomation();
      apply();
    } catch (e) {
      errors.push(String(e && e.message));
      $('cs-count').textContent = 'The report could not be drawn: ' + vis(String(e && e.message));
    }
    testMode(performance.now() - t0);
  }
  document.addEventListener('DOMContentLoaded', main);
})();
