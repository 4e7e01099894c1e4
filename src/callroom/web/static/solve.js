// The live view of a background solve (/rosters/jobs/N): the job's event stream updates the
// figures and draws the best objective (line) and bound (dashed) against seconds. Plain ES2017.
"use strict";

(function () {
  var job = document.getElementById("job");
  if (!job || !window.EventSource) { return; }
  var NS = "http://www.w3.org/2000/svg";

  function field(name) { return job.querySelector('[data-field="' + name + '"]'); }
  function show(name, value) { var el = field(name); if (el) { el.textContent = value; } }

  function figures(data) {
    if (data.phase) { show("phase", " · " + data.phase); }
    if (data.elapsed_s !== undefined) { show("elapsed_s", data.elapsed_s.toFixed(1) + " s"); }
    if (data.solutions !== undefined) { show("solutions", data.solutions); }
    if (data.objective !== undefined && data.objective !== null) { show("objective", data.objective); }
    if (data.bound !== undefined && data.bound !== null) { show("bound", data.bound); }
    if (data.gap !== undefined && data.gap !== null) { show("gap", (100 * data.gap).toFixed(1) + " %"); }
    if (data.series) { chart(data.series); }
  }

  function polyline(points, dashed) {
    var line = document.createElementNS(NS, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("class", dashed ? "bound" : "objective");
    return line;
  }

  function chart(series) {
    var svg = field("chart");
    if (!svg || series.length === 0) { return; }
    var values = [];
    series.forEach(function (p) { if (p[1] !== null) { values.push(p[1]); } if (p[2] !== null) { values.push(p[2]); } });
    var last = series[series.length - 1][0] || 1;
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    var span = (high - low) || 1;
    function x(t) { return (10 + 380 * t / last).toFixed(1); }
    function y(v) { return (150 - 140 * (v - low) / span).toFixed(1); }
    var best = [], bound = [];
    series.forEach(function (p) {
      if (p[1] !== null) { best.push(x(p[0]) + "," + y(p[1])); }
      if (p[2] !== null) { bound.push(x(p[0]) + "," + y(p[2])); }
    });
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
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
    if (kind === "done" && data.result && data.result.version) {
      var link = document.createElement("a");
      link.href = "/rosters/compare?program=" + encodeURIComponent(job.dataset.program) + "&number=" + data.result.version;
      link.textContent = (data.result.draft ? "Compare draft " : "See version ") + data.result.version + " with the live roster";
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
