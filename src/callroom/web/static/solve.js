// The live view of a background job (job.html: a solve at /rosters/jobs/N, a sick call's repair
// at /changes/sick-call/jobs/N): the job's event stream updates each figure the page shows and,
// for a solve, draws the best objective (line) and bound (dashed) against seconds, on axes with
// tick labels (SVG built here: no chart library, and no inline style for the CSP). When the job
// is done, its result fills the page's next link (data-next, data-next-text: "{field}"), or with
// data-go the browser goes straight on to it. Plain ES2017.
"use strict";

(function () {
  var job = document.getElementById("job");
  if (!job || !window.EventSource) { return; }
  var NS = "http://www.w3.org/2000/svg";

  function field(name) { return job.querySelector('[data-field="' + name + '"]'); }
  function show(name, value) { var el = field(name); if (el) { el.textContent = value; } }

  // Each figure of the progress the page has a place for; a few read better formatted.
  var FORMATS = {
    phase: function (v) { return " · " + v; },
    elapsed_s: function (v) { return v.toFixed(1) + " s"; },
    gap: function (v) { return (100 * v).toFixed(1) + " %"; }
  };

  function figures(data) {
    Object.keys(data).forEach(function (key) {
      var value = data[key];
      if (value === null || value === undefined || key === "state" || key === "series") { return; }
      show(key, FORMATS[key] ? FORMATS[key](value) : value);
    });
    if (data.series) { chart(data.series); }
  }

  // "{field}" replaced by the result's value (for a link, encoded), as the page fills it when
  // the job is done already.
  function fill(template, result, encode) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      var value = String(result[key] === undefined ? "" : result[key]);
      return encode ? encodeURIComponent(value) : value;
    });
  }

  // The plot's box inside the 400 x 180 viewBox: room on the left for the objective's labels
  // and below for the seconds'.
  var LEFT = 56, RIGHT = 390, TOP = 10, BOTTOM = 150, INTERVALS = 3;

  function element(name, attributes, text) {
    var el = document.createElementNS(NS, name);
    Object.keys(attributes).forEach(function (key) { el.setAttribute(key, attributes[key]); });
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  function polyline(points, dashed) {
    return element("polyline", { points: points.join(" "), "class": dashed ? "bound" : "objective" });
  }

  // Short labels: 1 234 567 reads as 1.23M, so the left margin holds any objective.
  // Below 10 000 a label has the step's decimals: an objective spanning 1 is ticked in fifths.
  function short(value, decimals) {
    var size = Math.abs(value);
    if (size >= 1e6) { return (value / 1e6).toPrecision(3) + "M"; }
    if (size >= 1e4) { return (value / 1e3).toPrecision(3) + "k"; }
    return value.toFixed(decimals);
  }

  // The largest round tick step (1, 2 or 5 times a power of ten) that still cuts the span into
  // INTERVALS or more: rounding the step up instead could leave a 9.9 s solve only "0" and "5",
  // and an objective range that starts between ticks with fewer still. At most 7 intervals.
  function step(span) {
    var raw = span / INTERVALS, power = Math.pow(10, Math.floor(Math.log10(raw))), ratio = raw / power;
    return power * (ratio >= 5 ? 5 : ratio >= 2 ? 2 : 1);
  }

  function ticks(low, high) {
    var size = step(high - low), found = [];
    for (var v = Math.ceil(low / size) * size; v <= high + size * 1e-9; v += size) { found.push(v); }
    return { values: found, decimals: size < 1 ? Math.ceil(-Math.log10(size)) : 0 };
  }

  function axes(svg, last, low, high, x, y) {
    svg.appendChild(element("line", { x1: LEFT, y1: BOTTOM, x2: RIGHT, y2: BOTTOM, "class": "axis" }));
    svg.appendChild(element("line", { x1: LEFT, y1: TOP, x2: LEFT, y2: BOTTOM, "class": "axis" }));
    var seconds = ticks(0, last), objective = ticks(low, high);
    seconds.values.forEach(function (t) {
      var tx = x(t);
      svg.appendChild(element("line", { x1: tx, y1: BOTTOM, x2: tx, y2: BOTTOM + 4, "class": "axis" }));
      svg.appendChild(element("text", { x: tx, y: BOTTOM + 15, "class": "tick x" }, t.toFixed(seconds.decimals)));
    });
    objective.values.forEach(function (v) {
      var vy = y(v);
      svg.appendChild(element("line", { x1: LEFT - 4, y1: vy, x2: LEFT, y2: vy, "class": "axis" }));
      svg.appendChild(element("text", { x: LEFT - 6, y: Number(vy) + 3, "class": "tick y" }, short(v, objective.decimals)));
    });
    svg.appendChild(element("text", { x: (LEFT + RIGHT) / 2, y: BOTTOM + 28, "class": "axis-title x" }, "seconds"));
    svg.appendChild(element("text", { x: 10, y: (TOP + BOTTOM) / 2, "class": "axis-title y",
      transform: "rotate(-90 10 " + (TOP + BOTTOM) / 2 + ")" }, "objective"));
  }

  function chart(series) {
    var svg = field("chart");
    if (!svg || series.length === 0) { return; }
    var values = [];
    series.forEach(function (p) { if (p[1] !== null) { values.push(p[1]); } if (p[2] !== null) { values.push(p[2]); } });
    if (values.length === 0) { return; }
    var last = series[series.length - 1][0] || 1;
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    if (high === low) { high = low + 1; }  // one value: still an axis to read it on
    function x(t) { return (LEFT + (RIGHT - LEFT) * t / last).toFixed(1); }
    function y(v) { return (BOTTOM - (BOTTOM - TOP) * (v - low) / (high - low)).toFixed(1); }
    var best = [], bound = [];
    series.forEach(function (p) {
      if (p[1] !== null) { best.push(x(p[0]) + "," + y(p[1])); }
      if (p[2] !== null) { bound.push(x(p[0]) + "," + y(p[2])); }
    });
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    axes(svg, last, low, high, x, y);
    svg.appendChild(polyline(bound, true));
    svg.appendChild(polyline(best, false));
  }

  function finished(kind, data) {
    show("state", kind);
    var cancel = field("cancel");
    if (cancel) { cancel.remove(); }
    if (data.error) { show("message", ": " + data.error); }
    if (data.progress) { figures(data.progress); }
    show("phase", "");
    if (kind === "done" && data.result) {
      var href = fill(job.dataset.next, data.result, true);
      // On to the result when it was found while the page was open (not on coming back to
      // a job done already: Back would bounce forward again).
      if (job.dataset.go && job.dataset.state !== "done") { window.location.assign(href); return; }
      var link = document.createElement("a");
      link.href = href;
      link.textContent = fill(job.dataset.nextText, data.result, false);
      var next = field("next");
      next.textContent = "";
      next.appendChild(link);
    }
  }

  var stream = new EventSource(job.dataset.events);
  stream.addEventListener("progress", function (event) {
    var data = JSON.parse(event.data);
    show("state", data.state);
    figures(data);
  });
  ["done", "failed", "cancelled"].forEach(function (kind) {
    stream.addEventListener(kind, function (event) {
      stream.close();
      finished(kind, JSON.parse(event.data));
    });
  });
})();
