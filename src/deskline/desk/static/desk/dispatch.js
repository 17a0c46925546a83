/* The dispatch board: drag a waiting ticket onto an engineer's lane to plan a visit, drag a
   visit block to move it. The drop point gives the start (snapped to 15 minutes); the server
   checks conflicts first and, if any, the dialog lists them before anything is saved. */
(function () {
  "use strict";
  var board = document.querySelector(".dispatch-board");
  if (!board) { return; }
  var start = new Date(board.dataset.start).getTime();
  var end = new Date(board.dataset.end).getTime();
  var SNAP = 15 * 60 * 1000;
  var dialog = document.getElementById("dispatch-dialog");
  var pending = null;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf() } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); });
  }

  function problem(body) {
    var e = body.error || {};
    var fields = e.fields || {};
    return Object.keys(fields).map(function (k) { return fields[k]; }).join("; ") || e.message || "";
  }

  function save(fields, force) {
    if (force) { fields.force = "1"; }
    post("/dispatch/save/", fields).then(function (res) {
      if (res.ok) { window.location.reload(); return; }
      show([problem(res.body)], null);
    });
  }

  function show(lines, fields) {
    var list = document.getElementById("dispatch-conflicts");
    list.textContent = "";
    lines.forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      list.appendChild(li);
    });
    pending = fields;
    document.getElementById("dispatch-force").hidden = !fields;
    dialog.hidden = false;
  }

  document.getElementById("dispatch-force").addEventListener("click", function () {
    dialog.hidden = true;
    if (pending) { save(pending, true); }
  });
  document.getElementById("dispatch-cancel").addEventListener("click", function () {
    dialog.hidden = true;
    pending = null;
  });

  document.querySelectorAll("[draggable=true][data-ticket], [draggable=true][data-visit]").forEach(function (el) {
    el.addEventListener("dragstart", function (e) {
      var minutes = parseInt(el.dataset.minutes || "60", 10);
      var what = el.dataset.visit ? "visit:" + el.dataset.visit : "ticket:" + el.dataset.ticket;
      e.dataTransfer.setData("text/plain", what + ":" + minutes);
      e.dataTransfer.effectAllowed = "move";
    });
  });

  document.querySelectorAll(".board-lane[data-engineer]").forEach(function (lane) {
    lane.addEventListener("dragover", function (e) { e.preventDefault(); lane.classList.add("is-over"); });
    lane.addEventListener("dragleave", function () { lane.classList.remove("is-over"); });
    lane.addEventListener("drop", function (e) {
      e.preventDefault();
      lane.classList.remove("is-over");
      var parts = (e.dataTransfer.getData("text/plain") || "").split(":");
      if (parts.length !== 3) { return; }
      var box = lane.getBoundingClientRect();
      var share = Math.min(Math.max((e.clientX - box.left) / box.width, 0), 1);
      var at = Math.round((start + share * (end - start)) / SNAP) * SNAP;
      var fields = { engineer: lane.dataset.engineer, start: new Date(at).toISOString(),
                     end: new Date(at + parseInt(parts[2], 10) * 60000).toISOString() };
      fields[parts[0]] = parts[1];
      post("/dispatch/check/", fields).then(function (res) {
        if (!res.ok) { show([problem(res.body)], null); return; }
        if (res.body.conflicts.length) { show(res.body.conflicts, fields); return; }
        save(fields, false);
      });
    });
  });
})();
