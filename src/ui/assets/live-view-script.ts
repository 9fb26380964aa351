/**
 * The live view's script, sent to the browser as /live-view.js. Plain ES2017, no library.
 * It opens one EventSource on /events: `snapshot` gives the whole run, then `state`,
 * `condition`, `failure` and `end` each change one thing. The page never asks the server
 * for anything else; a one-second tick only redraws the elapsed times it computes itself.
 * (Kept free of template literals: it lives inside a TypeScript template string.)
 */
import { STATE_COLOURS } from './live-view-page.js';

export const LIVE_VIEW_SCRIPT =
  String.raw`
(function () {
  'use strict';
  var COLOURS = ` +
  JSON.stringify(STATE_COLOURS) +
  String.raw`;
  var LIGHT = { NEW: 1, DISCOVERED: 1, PROVISIONED: 1, STOPPED: 1, RELEASED: 1 };
  var TABLE_LIMIT = 500, TIMELINE_LIMIT = 300, LOG_LIMIT = 500;
  var run = null, offset = 0, endedAt = null, byGuid = {}, position = {}, history = {}, drawPending = false;
  var graphFor = null, graphNodes = {}, graphArrows = [];

  function $(id) { return document.getElementById(id); }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function now() { return endedAt !== null ? endedAt : Date.now() + offset; }
  function fmt(ms) {
    if (ms < 0) ms = 0;
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
    var m = Math.floor(ms / 60000), s = Math.round((ms % 60000) / 1000);
    return m + 'm ' + s + 's';
  }
  function rank(state) { return run.order.indexOf(state); }
  function badge(state) {
    return '<span class="badge' + (LIGHT[state] ? ' light' : '') + '" style="background:' + COLOURS[state] + '">' + esc(state) + '</span>';
  }
  function sync(message) { if (typeof message.now === 'number' && endedAt === null) offset = message.now - Date.now(); }

  function addHistory(entry) {
    if (entry.kind !== 'state') return;
    (history[entry.guid] = history[entry.guid] || []).push({ state: entry.to, time: entry.time });
  }

  function onSnapshot(data) {
    run = data;
    byGuid = {};
    position = {};
    history = {};
    run.resources.forEach(function (r, i) { byGuid[r.guid] = r; position[r.guid] = i; history[r.guid] = [{ state: 'NEW', time: run.start }]; });
    run.timeline.forEach(addHistory);
    offset = run.now - Date.now();
    endedAt = run.ended ? run.now : null;
    draw();
  }

  function onState(message) {
    sync(message);
    byGuid[message.resource.guid] = message.resource;
    var i = position[message.resource.guid];
    if (i !== undefined) run.resources[i] = message.resource;
    run.timeline.push(message.entry);
    addHistory(message.entry);
    schedule();
  }

  function onCondition(message) {
    sync(message);
    run.conditions[message.condition.id] = message.condition;
    if (message.entry) run.timeline.push(message.entry);
    schedule();
  }

  function onFailure(message) { sync(message); run.failures.push(message.failure); schedule(); }

  function onEnd(message) { run.status = message.status; run.ended = true; endedAt = message.now; schedule(); }

  function schedule() {
    if (drawPending) return;
    drawPending = true;
    (window.requestAnimationFrame || setTimeout)(function () { drawPending = false; draw(); });
  }

  function draw() {
    if (!run) return;
    $('title').textContent = run.expId + ' / ' + run.runId;
    var status = $('status');
    status.textContent = run.ended ? run.status + ' (finished)' : run.status;
    status.className = 'status ' + run.status;
    drawGraph();
    drawResources();
    drawConditions();
    drawFailures();
    drawTimeline();
    drawTimes();
  }

  function drawTimes() {
    if (!run) return;
    $('elapsed').textContent = fmt(now() - run.start);
    var cells = document.querySelectorAll('td[data-since]');
    for (var i = 0; i < cells.length; i++) cells[i].textContent = fmt(now() - Number(cells[i].getAttribute('data-since')));
    var lefts = document.querySelectorAll('[data-deadline]');
    for (var j = 0; j < lefts.length; j++) {
      var left = Number(lefts[j].getAttribute('data-deadline')) - now();
      lefts[j].textContent = left > 0 ? 'fires in ' + fmt(left) : 'due now';
    }
  }

  // the graph's shape comes laid out by the server (Graphviz, once); it is built once per
  // snapshot, then only painted: each box's colour and state, each arrow faded once it fired
  function drawGraph() {
    var g = run.graph;
    if (graphFor !== run) {
      graphFor = run;
      graphNodes = {};
      graphArrows = [];
      if (!g || !g.drawn) { $('graph').innerHTML = '<p class="empty">' + esc(g ? g.reason : 'no graph') + '</p>'; return; }
      buildGraph(g);
    }
    paintGraph();
  }

  function buildGraph(g) {
    var out = [];
    out.push('<svg width="' + g.width + '" height="' + g.height + '" viewBox="0 0 ' + g.width + ' ' + g.height + '" xmlns="http://www.w3.org/2000/svg">');
    out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7b1fa2"/></marker></defs>');
    g.edges.forEach(function (e) {
      var ends = ' data-from="' + esc(e.from) + '" data-to="' + esc(e.to) + '" d="' + e.path + '" fill="none"';
      if (e.kind === 'connection') {
        out.push('<path class="connection"' + ends + ' stroke="#90a4ae" stroke-width="1.5"><title>' + esc(e.from + ' \u2014 ' + e.to) + '</title></path>');
      } else {
        out.push('<path class="condition-arrow" data-condition="' + e.condition + '"' + ends + ' stroke="#7b1fa2" stroke-dasharray="5 4" stroke-width="1.5" marker-end="url(#arrow)"><title></title></path>');
      }
    });
    g.boxes.forEach(function (b) {
      var name = b.guid.length > 16 ? b.guid.slice(0, 15) + '\u2026' : b.guid;
      out.push('<g class="node" data-guid="' + esc(b.guid) + '" transform="translate(' + b.x + ',' + b.y + ')"><title></title>' +
        '<rect width="' + b.width + '" height="' + b.height + '" rx="8"/>' +
        '<text class="name" x="' + b.width / 2 + '" y="' + (b.height / 2 - 3) + '" text-anchor="middle" font-size="13" font-weight="600">' + esc(name) + '</text>' +
        '<text class="state" x="' + b.width / 2 + '" y="' + (b.height / 2 + 13) + '" text-anchor="middle" font-size="10"></text></g>');
    });
    out.push('</svg>');
    $('graph').innerHTML = out.join('');
    var nodes = document.querySelectorAll('#graph g.node');
    for (var i = 0; i < nodes.length; i++) graphNodes[nodes[i].getAttribute('data-guid')] = nodes[i];
    graphArrows = Array.prototype.slice.call(document.querySelectorAll('#graph path.condition-arrow'));
  }

  function paintGraph() {
    run.resources.forEach(function (r) {
      var node = graphNodes[r.guid];
      if (!node) return;
      var light = LIGHT[r.state], rect = node.querySelector('rect'), texts = node.querySelectorAll('text');
      node.setAttribute('data-state', r.state);
      node.querySelector('title').textContent = r.guid + ' (' + r.type + '): ' + r.state + (r.error ? ': ' + r.error : '');
      rect.setAttribute('fill', COLOURS[r.state]);
      rect.setAttribute('stroke', r.error ? '#c62828' : '#455a64');
      rect.setAttribute('stroke-width', r.error ? '3' : '1');
      if (r.error && r.state !== 'FAILED') rect.setAttribute('stroke-dasharray', '6 3'); else rect.removeAttribute('stroke-dasharray');
      texts[0].setAttribute('fill', light ? '#222' : '#fff');
      texts[1].setAttribute('fill', light ? '#333' : '#f5f5f5');
      texts[1].textContent = r.state;
    });
    graphArrows.forEach(function (a) {
      var c = run.conditions[Number(a.getAttribute('data-condition'))];
      if (!c) return;
      a.setAttribute('data-status', c.status);
      a.setAttribute('opacity', c.status === 'fired' ? '0.35' : '0.9');
      a.querySelector('title').textContent = c.action + ' ' + c.guid + ' after ' + c.group.join(', ') + ' ' + c.state + (c.delay ? ' + ' + fmt(c.delay) : '') + ': ' + c.status;
    });
  }

  function drawResources() {
    var counts = {};
    run.resources.forEach(function (r) { counts[r.state] = (counts[r.state] || 0) + 1; });
    var summary = run.order.filter(function (s) { return counts[s]; }).map(function (s) { return s + ' ' + counts[s]; }).join(' · ');
    var more = run.resources.length > TABLE_LIMIT ? '<tr><td colspan="5" class="empty">and ' + (run.resources.length - TABLE_LIMIT) + ' more: ' + esc(summary) + '</td></tr>' : '';
    $('elapsed').setAttribute('title', summary);
    $('resources').innerHTML = run.resources.slice(0, TABLE_LIMIT).map(function (r) {
      return '<tr data-guid="' + esc(r.guid) + '" data-state="' + r.state + '"><td>' + esc(r.guid) + '</td><td class="type">' + esc(r.type) + '</td><td class="state">' + badge(r.state) +
        '</td><td data-since="' + r.since + '"></td><td class="note">' + (r.error && r.state !== 'FAILED' ? 'failed' + (r.step ? ' at ' + esc(r.step) : '') : '') + '</td></tr>';
    }).join('') + more;
  }

  function drawConditions() {
    if (run.conditions.length === 0) { $('conditions').innerHTML = '<li class="empty">no conditions</li>'; return; }
    var open = run.conditions.filter(function (c) { return c.status === 'waiting' || c.status === 'held'; });
    var done = run.conditions.filter(function (c) { return !(c.status === 'waiting' || c.status === 'held'); });
    var items = open.map(function (c) {
      var what = '<span class="what">' + esc(c.action + ' ' + c.guid) + '</span> after ' + esc(c.group.join(', ')) + ' ' + esc(c.state) + (c.delay ? ' + ' + fmt(c.delay) : '');
      var target = byGuid[c.guid];
      var gone = run.ended || (target && (target.state === 'RELEASED' || target.state === 'FAILED'));
      if (c.status === 'held') {
        return '<li class="held" data-condition="' + c.id + '" data-status="held">' + what + ': held; <span class="left" data-deadline="' + c.deadline + '"></span></li>';
      }
      var short = c.group.filter(function (g) { var m = byGuid[g]; return !m || rank(m.state) < rank(c.state) || (m.state === 'RELEASED' && c.state !== 'RELEASED'); });
      var whom = short.map(function (g) { return esc(g) + ' (' + esc(byGuid[g] ? byGuid[g].state : '?') + ')'; }).join(', ');
      return '<li class="waiting" data-condition="' + c.id + '" data-status="' + (gone ? 'never' : 'waiting') + '">' + what + ': ' +
        (gone ? 'will not fire' : '<span class="who">waiting on ' + (whom || 'the resource itself') + '</span>' + (c.delay ? ', then ' + fmt(c.delay) : '')) + '</li>';
    });
    done.forEach(function (c) {
      items.push('<li class="done" data-condition="' + c.id + '" data-status="' + c.status + '">' + esc(c.action + ' ' + c.guid) + ' after ' + esc(c.group.join(', ')) + ' ' + esc(c.state) + ': ' + esc(c.status) +
        (c.firedAt !== undefined ? ' at +' + fmt(c.firedAt - run.start) : '') + '</li>');
    });
    $('conditions').innerHTML = items.join('');
  }

  function drawFailures() {
    if (run.failures.length === 0) { $('failures').innerHTML = '<li class="empty">no failures</li>'; return; }
    $('failures').innerHTML = run.failures.map(function (f) {
      return '<li class="failure" data-guid="' + esc(f.guid) + '"><span class="what">' + esc(f.guid) + '</span> (' + esc(f.type) + ') failed' + (f.step ? ' at ' + esc(f.step) : '') +
        ' +' + fmt(f.time - run.start) + (f.critical ? ', critical: the experiment was aborted' : '') + '<div class="cause">' + esc(f.error) + '</div></li>';
    }).join('');
  }

  function drawTimeline() {
    var rows = run.resources.slice(0, TIMELINE_LIMIT), end = now(), span = Math.max(end - run.start, 1000);
    var left = 130, width = 900, rowH = 18, out = [];
    var height = rows.length * rowH + 24;
    out.push('<svg viewBox="0 0 ' + (left + width + 40) + ' ' + height + '" xmlns="http://www.w3.org/2000/svg" font-size="11">');
    for (var t = 0; t <= 10; t++) {
      var x = left + (width * t) / 10;
      out.push('<line x1="' + x + '" y1="0" x2="' + x + '" y2="' + (height - 16) + '" stroke="#eee"/><text x="' + x + '" y="' + (height - 4) + '" text-anchor="middle" fill="#777">' + fmt((span * t) / 10) + '</text>');
    }
    rows.forEach(function (r, i) {
      var y = i * rowH + 2, h = history[r.guid] || [];
      out.push('<text x="' + (left - 6) + '" y="' + (y + 12) + '" text-anchor="end">' + esc(r.guid) + '</text>');
      h.forEach(function (seg, k) {
        var from = seg.time, to = k + 1 < h.length ? h[k + 1].time : end;
        if (seg.state === 'RELEASED' && k + 1 === h.length) to = from;
        var x1 = left + ((from - run.start) / span) * width, x2 = left + ((to - run.start) / span) * width;
        out.push('<rect class="bar" data-guid="' + esc(r.guid) + '" data-state="' + seg.state + '" x="' + x1.toFixed(1) + '" y="' + y + '" width="' + Math.max(x2 - x1, 1).toFixed(1) + '" height="' + (rowH - 4) +
          '" fill="' + COLOURS[seg.state] + '"><title>' + esc(r.guid + ' ' + seg.state + ' from +' + fmt(from - run.start)) + '</title></rect>');
        if (seg.state === 'FAILED') out.push('<text x="' + (x1 + 2).toFixed(1) + '" y="' + (y + 11) + '" fill="#fff" font-weight="700">✕</text>');
      });
    });
    out.push('</svg>');
    $('timeline').innerHTML = out.join('');
    var log = run.timeline.slice(-LOG_LIMIT).map(function (e) {
      var at = '+' + fmt(e.time - run.start);
      if (e.kind === 'state') return '<div class="' + (e.to === 'FAILED' ? 'failed' : '') + '">' + esc(at + '  ' + e.guid + '  ' + e.from + ' -> ' + e.to + (e.error ? ': ' + e.error : '')) + '</div>';
      return '<div class="cond">' + esc(at + '  ' + e.action + ' ' + e.guid + ' ' + e.event + ' (after ' + e.group.join(', ') + ')') + '</div>';
    });
    var box = $('log'), atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    box.innerHTML = log.join('');
    if (atEnd) box.scrollTop = box.scrollHeight;
  }

  var source = new EventSource('/events');
  source.addEventListener('open', function () { $('conn').textContent = 'live'; });
  source.addEventListener('error', function () { $('conn').textContent = run && run.ended ? 'finished; the server stopped' : 'reconnecting…'; });
  source.addEventListener('snapshot', function (e) { onSnapshot(JSON.parse(e.data)); });
  source.addEventListener('state', function (e) { onState(JSON.parse(e.data)); });
  source.addEventListener('condition', function (e) { onCondition(JSON.parse(e.data)); });
  source.addEventListener('failure', function (e) { onFailure(JSON.parse(e.data)); });
  source.addEventListener('end', function (e) { onEnd(JSON.parse(e.data)); });
  // a render tick, not a request: times in states and the timeline's bars grow with the clock
  setInterval(function () { if (run && !run.ended) schedule(); }, 1000);
})();
`;
