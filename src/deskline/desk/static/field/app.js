/* The engineer's phone app. Every action (en route, check-in with the position, a checklist
   step, a photo, materials, the signature, check-out) is written first to a queue in IndexedDB
   with its own id and the phone's time, then sent to /field/sync/ one at a time, oldest first.
   Without network the queue waits; it is sent when the network returns. The server applies each
   id once, so a send whose answer was lost is simply sent again. */
(function () {
  "use strict";
  var body = document.body;
  var USER = body.dataset.user;
  var STORE = "actions";
  var flushing = false;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("deskline-field", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function mine() {
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (r) { return r.user === USER; })
        .sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function showQueue() {
    return mine().then(function (rows) {
      var box = document.getElementById("field-queue");
      box.hidden = rows.length === 0;
      box.textContent = box.dataset.waiting.replace("%s", String(rows.length));
      box.dataset.count = String(rows.length);
    });
  }

  function report(outcome, message) {
    if (!message) { return; }
    var li = document.createElement("li");
    li.className = outcome;
    li.textContent = message;
    document.getElementById("field-results").appendChild(li);
  }

  function send(row) {
    var form = new FormData();
    form.append("id", row.id);
    form.append("kind", row.kind);
    form.append("visit", row.visit);
    form.append("version", row.version);
    form.append("time", row.time);
    Object.keys(row.values).forEach(function (k) { form.append(k, row.values[k]); });
    if (row.file) { form.append("file", row.file, row.fileName || "photo.jpg"); }
    return fetch("/field/sync/", { method: "POST", body: form, credentials: "same-origin",
                                   headers: { "X-CSRFToken": body.dataset.csrf } });
  }

  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    function next() {
      return mine().then(function (rows) {
        if (!rows.length) { return null; }
        var row = rows[0];
        return send(row).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        }).then(function (result) {
          body.dataset.sent = String(parseInt(body.dataset.sent || "0", 10) + 1);
          report(result.outcome, result.message);
          return withStore("readwrite", function (s) { return s.delete(row.seq); });
        }).then(showQueue).then(next);
      });
    }
    return next().catch(function () { /* no network or a server error: try again later */ })
      .then(function () { flushing = false; return showQueue(); });
  }

  function enqueue(kind, values, file, fileName) {
    var card = document.getElementById("visit");
    var row = { id: newId(), user: USER, kind: kind, visit: card.dataset.visit,
                version: card.dataset.version, time: new Date().toISOString(),
                values: values || {}, file: file || null, fileName: fileName || "" };
    return withStore("readwrite", function (s) { return s.add(row); })
      .then(showQueue).then(flush);
  }

  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve({}); return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude });
      }, function () { resolve({}); }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }

  var NEXT = { en_route: "en_route", check_in: "on_site", check_out: "done", fail: "failed" };

  function showButtons(status) {
    document.querySelectorAll("[data-when]").forEach(function (b) {
      b.hidden = b.dataset.when.split(" ").indexOf(status) < 0;
    });
    var fail = document.querySelector(".field-fail");
    if (fail) { fail.hidden = ["done", "failed", "cancelled"].indexOf(status) >= 0; }
  }

  function moved(kind, label) {
    var card = document.getElementById("visit");
    if (!NEXT[kind]) { return; }
    card.dataset.status = NEXT[kind];
    document.getElementById("visit-status").textContent = label;
    showButtons(card.dataset.status);
  }

  function setupVisit() {
    var card = document.getElementById("visit");
    if (!card) { return; }
    showButtons(card.dataset.status);
    document.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        var where = button.hasAttribute("data-locate") ? locate() : Promise.resolve({});
        where.then(function (values) {
          moved(button.dataset.action, button.textContent);
          return enqueue(button.dataset.action, values);
        }).then(function () { button.disabled = false; });
      });
    });
    var pad = null;
    var canvas = document.getElementById("signature-pad");
    document.querySelectorAll("form[data-action]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var kind = form.dataset.action;
        var values = {};
        var file = null;
        var name = "";
        Array.prototype.forEach.call(form.elements, function (el) {
          if (!el.name) { return; }
          if (el.type === "file") {
            if (el.files && el.files[0]) { file = el.files[0]; name = el.files[0].name; }
          } else { values[el.name] = el.value; }
        });
        var ready = Promise.resolve(file);
        if (kind === "signature") {
          if (!pad || pad.isEmpty()) { return; }
          name = "signature.png";
          ready = new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
        }
        ready.then(function (blob) {
          form.classList.add("is-queued");
          var li = form.closest("li");
          if (li) { li.classList.add("done"); }
          if (kind === "fail") { moved("fail", values.reason || ""); }
          return enqueue(kind, values, blob, name);
        });
      });
    });
    function startPad() {
      if (!canvas || pad || !window.SignaturePad) { return; }
      pad = new window.SignaturePad(canvas);
      pad.addEventListener("endStroke", function () { canvas.dataset.signed = "1"; });
      document.getElementById("signature-clear").addEventListener("click", function () {
        pad.clear();
        canvas.dataset.signed = "";
      });
    }
    startPad();
    window.addEventListener("load", startPad);
  }

  function showNetwork() {
    var badge = document.getElementById("field-net");
    badge.textContent = navigator.onLine ? badge.dataset.online : badge.dataset.offline;
    badge.classList.toggle("is-offline", !navigator.onLine);
    body.dataset.online = navigator.onLine ? "1" : "0";
  }

  function cacheDay() {
    // Keep this page and today's visits in the worker's cache for a basement without network.
    var links = [window.location.pathname, "/field/"];
    document.querySelectorAll("a[data-prefetch]").forEach(function (a) { links.push(a.getAttribute("href")); });
    links.forEach(function (href) { fetch(href, { credentials: "same-origin" }).catch(function () {}); });
  }

  window.addEventListener("online", function () { showNetwork(); flush(); });
  window.addEventListener("offline", showNetwork);
  setInterval(flush, 15000);
  showNetwork();
  setupVisit();
  showQueue().then(flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () { cacheDay(); body.dataset.cached = "1"; }).catch(function () {});
  }
})();
