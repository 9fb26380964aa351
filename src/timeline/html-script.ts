/**
 * The script of the timeline page (plain browser JavaScript, inlined): zoom on the time axis
 * (buttons, keys, Ctrl+wheel around the pointer), labels that stay in view when scrolling
 * sideways, folding a type's rows by clicking its header, and a filter on names. It only
 * reads the `data-*` attributes the SVG renderer wrote.
 */
export const TIMELINE_SCRIPT = String.raw`
(function () {
  'use strict';
  var svg = document.querySelector('svg.nepi-timeline');
  var wrap = document.getElementById('chart');
  if (!svg || !wrap) return;
  function num(el, key) { return Number(el.getAttribute('data-' + key)); }
  var chartLeft = num(svg, 'chart-left'), baseScale = num(svg, 'scale'), chartWidth = num(svg, 'chart-width');
  var rowH = num(svg, 'row-height'), groupH = num(svg, 'group-height'), top = num(svg, 'top');
  var span = Math.max(1, num(svg, 'end') - num(svg, 'start'));
  var zoom = 1, height = Number(svg.getAttribute('height'));
  var all = function (sel) { return Array.prototype.slice.call(svg.querySelectorAll(sel)); };
  var bars = all('[data-kind=bar]'), failures = all('[data-kind=failure]'), arrows = all('[data-kind=arrow]');
  var downtimes = all('[data-kind=downtime]'), interrupts = all('[data-kind=interrupt]');
  var ordered = all('g.rows > g'), labelsGroup = svg.querySelector('g.labels'), axis = svg.querySelector('g.axis');
  var labels = {};
  all('text.label').forEach(function (t) { labels[t.getAttribute('data-guid')] = t; });
  var groupLabels = {};
  all('text.group-label').forEach(function (t) { groupLabels[t.getAttribute('data-type')] = t; });
  var collapsed = {}, filter = '', rowY = {};
  var readout = document.getElementById('zoom-level');
  var NS = 'http://www.w3.org/2000/svg';

  function r2(v) { return Math.round(v * 100) / 100; }
  function x(t) { return chartLeft + t * baseScale * zoom; }
  function fmt(ms) {
    if (ms === 0) return '0s';
    var out = '', rest = ms;
    if (rest >= 3600000) { out += Math.floor(rest / 3600000) + 'h'; rest %= 3600000; }
    if (rest >= 60000) { out += Math.floor(rest / 60000) + 'm'; rest %= 60000; }
    if (rest > 0) out += rest >= 1000 || rest % 1000 === 0 ? r2(rest / 1000) + 's' : r2(rest) + 'ms';
    return out;
  }
  function step(visible) {
    var raw = Math.max(visible, 1) / 10, power = Math.pow(10, Math.floor(Math.log10(raw)));
    var factors = [1, 2, 5, 10];
    for (var i = 0; i < factors.length; i++) if (factors[i] * power >= raw) return factors[i] * power;
    return 10 * power;
  }
  function arrowPath(x1, y1, x2, y2) {
    var mid = Math.abs(y1 - y2) < 1 ? y1 - 12 : (y1 + y2) / 2;
    return 'M ' + r2(x1) + ' ' + r2(y1) + ' C ' + r2(x1) + ' ' + r2(mid) + ' ' + r2(x2) + ' ' + r2(mid) + ' ' + r2(x2) + ' ' + r2(y2);
  }
  function drawAxis() {
    while (axis.firstChild) axis.removeChild(axis.firstChild);
    var s = step(span / zoom);
    for (var t = 0; t <= span + s / 1000; t += s) {
      var g = document.createElementNS(NS, 'g'); g.setAttribute('class', 'tick'); g.setAttribute('data-t', String(t));
      var line = document.createElementNS(NS, 'line');
      line.setAttribute('x1', r2(x(t))); line.setAttribute('x2', r2(x(t)));
      line.setAttribute('y1', String(top - 6)); line.setAttribute('y2', String(height));
      var text = document.createElementNS(NS, 'text');
      text.setAttribute('x', r2(x(t))); text.setAttribute('y', String(top - 9)); text.setAttribute('text-anchor', 'middle');
      text.textContent = fmt(Math.round(t * 1000) / 1000);
      g.appendChild(line); g.appendChild(text); axis.appendChild(g);
    }
  }
  function drawArrows() {
    arrows.forEach(function (a) {
      var y1 = rowY[a.getAttribute('data-from')], y2 = rowY[a.getAttribute('data-guid')];
      if (y1 === undefined || y2 === undefined) { a.style.display = 'none'; return; }
      a.style.display = '';
      a.setAttribute('d', arrowPath(x(num(a, 't1')), y1 + rowH / 2, x(num(a, 't2')), y2 + rowH / 2));
    });
  }
  // controller-down bands and interruption lines: placed by time, as tall as the rows shown
  function drawMarks() {
    downtimes.forEach(function (d) {
      var x1 = x(num(d, 't1')), x2 = x(num(d, 't2')), band = d.querySelector('rect'), label = d.querySelector('text');
      band.setAttribute('x', r2(x1)); band.setAttribute('width', r2(Math.max(1, x2 - x1))); band.setAttribute('height', r2(height - top + 6));
      label.setAttribute('x', r2(x1 + 3));
    });
    interrupts.forEach(function (g) {
      var at = x(num(g, 't')), line = g.querySelector('line'), label = g.querySelector('text');
      line.setAttribute('x1', r2(at)); line.setAttribute('x2', r2(at)); line.setAttribute('y2', r2(height));
      label.setAttribute('x', r2(at - 4));
    });
  }
  function resize() {
    var width = chartLeft + chartWidth * zoom + 12;
    svg.setAttribute('width', r2(width)); svg.setAttribute('height', r2(height));
    svg.setAttribute('viewBox', '0 0 ' + r2(width) + ' ' + r2(height));
  }
  function redraw() {
    bars.forEach(function (b) {
      var s = num(b, 'start'), e = num(b, 'end');
      b.setAttribute('x', r2(x(s))); b.setAttribute('width', r2(Math.max(0, (e - s) * baseScale * zoom)));
    });
    failures.forEach(function (f) { f.setAttribute('transform', 'translate(' + r2(num(f, 't') * baseScale * (zoom - 1)) + ',0)'); });
    resize(); drawAxis(); drawArrows(); drawMarks();
    if (readout) readout.textContent = Math.round(zoom * 100) + '%';
  }
  function relayout() {
    var y = top, type = '';
    ordered.forEach(function (g) {
      if (g.classList.contains('group-header')) {
        type = g.getAttribute('data-type');
        g.setAttribute('transform', 'translate(0,' + y + ')');
        g.setAttribute('data-collapsed', collapsed[type] ? 'true' : 'false');
        var name = groupLabels[type];
        if (name) {
          name.setAttribute('y', String(y + groupH / 2 + 4));
          name.setAttribute('data-collapsed', collapsed[type] ? 'true' : 'false');
        }
        y += groupH;
        return;
      }
      var guid = g.getAttribute('data-guid'), label = labels[guid];
      var shown = !collapsed[type] && (filter === '' || guid.toLowerCase().indexOf(filter) >= 0);
      g.style.display = shown ? '' : 'none';
      if (label) label.style.display = shown ? '' : 'none';
      if (!shown) { delete rowY[guid]; return; }
      rowY[guid] = y;
      g.setAttribute('transform', 'translate(0,' + y + ')');
      if (label) label.setAttribute('y', String(y + rowH / 2));
      y += rowH;
    });
    height = y + 12;
    var bg = svg.querySelector('rect.label-background');
    if (bg) bg.setAttribute('height', String(height - top));
    resize(); drawAxis(); drawArrows(); drawMarks();
  }
  function setZoom(next, anchorX) {
    next = Math.min(Math.max(next, 0.05), 2000);
    var ax = anchorX === undefined ? wrap.clientWidth / 2 : anchorX;
    var t = (wrap.scrollLeft + ax - chartLeft) / (baseScale * zoom);
    zoom = next;
    redraw();
    wrap.scrollLeft = Math.max(0, chartLeft + t * baseScale * zoom - ax);
  }
  function fit() { setZoom(Math.max(0.05, (wrap.clientWidth - chartLeft - 24) / chartWidth)); wrap.scrollLeft = 0; }

  document.getElementById('zoom-in').addEventListener('click', function () { setZoom(zoom * 1.5); });
  document.getElementById('zoom-out').addEventListener('click', function () { setZoom(zoom / 1.5); });
  document.getElementById('zoom-fit').addEventListener('click', fit);
  document.getElementById('filter').addEventListener('input', function (e) { filter = e.target.value.trim().toLowerCase(); relayout(); });
  wrap.addEventListener('wheel', function (e) {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    var rect = wrap.getBoundingClientRect();
    setZoom(zoom * (e.deltaY < 0 ? 1.25 : 0.8), e.clientX - rect.left);
  }, { passive: false });
  wrap.addEventListener('scroll', function () { labelsGroup.setAttribute('transform', 'translate(' + wrap.scrollLeft + ',0)'); });
  document.addEventListener('keydown', function (e) {
    if (e.target && e.target.tagName === 'INPUT') return;
    if (e.key === '+' || e.key === '=') setZoom(zoom * 1.5);
    else if (e.key === '-') setZoom(zoom / 1.5);
    else if (e.key === '0') fit();
  });
  function toggle(type) { collapsed[type] = !collapsed[type]; relayout(); }
  all('g.group-header, text.group-label').forEach(function (g) {
    g.style.cursor = 'pointer';
    g.addEventListener('click', function () { toggle(g.getAttribute('data-type')); });
  });
  window.nepiTimeline = { setZoom: setZoom, fit: fit, toggle: toggle, filter: function (text) { filter = text.toLowerCase(); relayout(); }, zoom: function () { return zoom; } };
  relayout();
})();
`;
