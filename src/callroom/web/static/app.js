// callroom pages: small behaviours on top of htmx. No build step; plain ES2017.
"use strict";

// htmx leaves 4xx answers unswapped by default; ours are pages of field messages and
// warnings meant to be shown (422 bad input or a hard rule, 409 stale version, 403 refused).
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 422 || status === 409 || status === 403) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The on-call board refreshes itself every minute, but not while a page form on it is open
// (the refresh would throw away what the nurse is typing, or the confirmation of a sent page).
document.addEventListener("htmx:beforeRequest", function (event) {
  var board = event.detail.elt;
  if (board.id === "board" && board.querySelector("details[open]")) {
    event.preventDefault();
  }
});

// A form that asks before it is sent (deactivating an account): data-confirm is the question.
document.addEventListener("submit", function (event) {
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) { event.preventDefault(); }
});

// A set-up form's version (the program version it was opened from) is changed when the form is
// sent (a space: the server reads the number): the browser brings back, after the back button,
// only the values changed on the page (never a type=hidden one, so this input is a hidden text
// one), and the page it re-fetches holds the newest version. Kept, the old version makes sending
// the form again a form sent twice (saved once), not a new change to the newest version.
document.addEventListener("submit", function (event) {
  var opened = event.target.querySelector && event.target.querySelector("input[name=version]");
  if (opened) { opened.value = opened.value.trim() + " "; }
});

// The schedule grid: one listener for every cell, so 2,000 cells cost no script each.
function openCellEditor(cell) {
  var grid = document.getElementById("grid");
  var row = cell.parentElement;
  var head = grid.tHead.rows[0].cells[cell.cellIndex];
  var url = "/schedule/cell?person=" + encodeURIComponent(row.dataset.person) +
    "&day=" + encodeURIComponent(head.dataset.day);
  var dialog = document.getElementById("editor");
  htmx.ajax("GET", url, { target: "#editor-body", swap: "innerHTML" }).then(function () {
    var back = document.querySelector("#cell-form input[name=back]");
    var query = document.getElementById("grid-query");
    if (back && query) { back.value = query.value.replace(/(^|&)saved=\d+/g, ""); }
    if (!dialog.open) { dialog.showModal(); }
  });
}

// A person's cells are the ones under a day; the totals at the end of the row are not editable.
var GRID_CELL = "#grid[data-editable] tbody td:not(.total)";

document.addEventListener("click", function (event) {
  var cell = event.target.closest(GRID_CELL);
  if (cell) { openCellEditor(cell); return; }
  if (event.target.matches("[data-print]")) { window.print(); return; }
  if (event.target.matches("[data-close]")) {
    var dialog = event.target.closest("dialog");
    if (dialog) { dialog.close(); }
  }
});

document.addEventListener("keydown", function (event) {
  var cell = event.target.closest && event.target.closest(GRID_CELL);
  if (cell && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    openCellEditor(cell);
  }
});

// The pager: new pages arrive over Server-Sent Events; each is fetched as a fragment (the
// event carries no patient data) and put at the top of the list. EventSource reconnects by
// itself with Last-Event-ID, so a dropped connection loses nothing.
function startInbox(status) {
  var received = document.getElementById("received");
  var source = new EventSource(status.dataset.stream);
  source.addEventListener("open", function () {
    status.textContent = "Live: new pages appear here without reloading.";
    status.dataset.live = "1";
  });
  source.addEventListener("error", function () {
    status.textContent = "Reconnecting to live pages…";
    status.dataset.live = "";
  });
  source.addEventListener("page", function (event) {
    var pageId = JSON.parse(event.data).page.id;
    if (document.getElementById("page-" + pageId)) { return; }
    fetch("/inbox/item/" + encodeURIComponent(pageId), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html || document.getElementById("page-" + pageId)) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var item = holder.firstElementChild;
        received.prepend(item);
        htmx.process(item);
        var empty = document.getElementById("no-received");
        if (empty) { empty.remove(); }
      });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  var status = document.getElementById("live-status");
  if (status && status.dataset.stream) { startInbox(status); }
});

// A limit mark as wide as its bar: narrow on a phone, where 60 residents share 390 px.
function barHalfWidth(context) {
  var area = context.chart.chartArea;
  var slot = area ? area.width / context.chart.data.labels.length : 18;
  return Math.max(2, Math.min(9, slot * 0.4));
}

// Duty hours: bars per week (or per resident) against the weekly-hour limit. One resident's
// weeks share one limit, drawn as a line; the overview's residents each have their own limit
// (80, or 88 on a rotation with the exception), drawn as a mark on each bar.
function hoursChart(canvasId, dataId) {
  var canvas = document.getElementById(canvasId);
  var source = document.getElementById(dataId);
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var limits = data.limits || data.labels.map(function () { return data.limit; });
  var over = data.hours.map(function (h, i) { return h > limits[i] ? "#a4161a" : "#0b5cad"; });
  var limitSet = data.limits
    ? { type: "line", label: "Each resident's limit", data: limits, showLine: false, clip: 0,
        pointStyle: "line", pointRadius: barHalfWidth, pointHoverRadius: barHalfWidth,
        pointBorderWidth: 3, borderColor: "#a4161a" }
    : { type: "line", label: data.limit + "-hour limit", data: limits, borderColor: "#a4161a",
        borderDash: [6, 4], pointRadius: 0, fill: false };
  canvas.chart = new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: "Scheduled hours", data: data.hours, backgroundColor: over },
        data.worked ? { type: "bar", label: "Logged hours", data: data.worked,
                        backgroundColor: "#2f9e6b" } : null,
        limitSet
      ].filter(Boolean)
    },
    options: {
      maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: "hours a week" } } }
    }
  });
  canvas.dataset.drawn = "1";
}

document.addEventListener("DOMContentLoaded", function () {
  hoursChart("weekly-chart", "weekly-data");
  hoursChart("overview-chart", "overview-data");
});

// A resident's week: each action's answer replaces the whole week, which leaves the browser
// scrolled somewhere else. Bring the outcome back under the resident's thumb: the first field
// to fix (focused, so it is also read out), else the message that says what was done.
document.addEventListener("htmx:afterSettle", function () {
  var week = document.getElementById("week");
  if (!week) { return; }
  var invalid = week.querySelector("[aria-invalid=true]");
  var said = invalid || week.querySelector("[role=status], [role=alert]");
  if (!said) { return; }
  said.scrollIntoView({ block: "center" });
  if (invalid) { invalid.focus({ preventScroll: true }); }
});

// The admin's program editor: a gutter of line numbers beside the text (kept in step as it is
// typed and scrolled), and each refused line's link selecting that line in the editor.
function programEditor(source, gutter) {
  function number() {
    var lines = source.value.split("\n").length;
    var text = "";
    for (var n = 1; n <= lines; n++) { text += n + "\n"; }
    gutter.textContent = text;
    gutter.scrollTop = source.scrollTop;
  }
  source.addEventListener("input", number);
  source.addEventListener("scroll", function () { gutter.scrollTop = source.scrollTop; });
  number();
}

function goToLine(source, line) {
  var lines = source.value.split("\n");
  var start = 0;
  for (var n = 0; n < line - 1 && n < lines.length; n++) { start += lines[n].length + 1; }
  var end = start + (lines[line - 1] || "").length;
  var height = parseFloat(window.getComputedStyle(source).lineHeight) || 18;
  source.focus({ preventScroll: true });
  source.setSelectionRange(start, end);
  source.scrollTop = Math.max(0, (line - 3) * height);
  source.scrollIntoView({ block: "center" });
}

document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("source");
  var gutter = document.getElementById("source-gutter");
  if (!source || !gutter) { return; }
  programEditor(source, gutter);
  var issues = document.getElementById("source-issues");
  if (issues) { issues.scrollIntoView({ block: "start" }); issues.focus({ preventScroll: true }); }
});

document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-line]");
  var source = document.getElementById("source");
  if (!link || !source) { return; }
  event.preventDefault();
  goToLine(source, parseInt(link.dataset.line, 10));
});

// The OR board: while rooms are hidden past the right edge, its frame says so (a shadow and a
// line, see or.css); scrolled to the last room, or with every room in view, it says nothing.
function markMoreRooms() {
  var frame = document.getElementById("or-frame");
  var wrap = frame && frame.querySelector(".or-wrap");
  if (!wrap) { return; }
  var more = wrap.scrollLeft + wrap.clientWidth < wrap.scrollWidth - 2;
  if (more) { frame.setAttribute("data-more", ""); } else { frame.removeAttribute("data-more"); }
}
document.addEventListener("DOMContentLoaded", function () {
  var wrap = document.querySelector("#or-frame .or-wrap");
  if (!wrap) { return; }
  wrap.addEventListener("scroll", markMoreRooms, { passive: true });
  window.addEventListener("resize", markMoreRooms);
  markMoreRooms();
});
