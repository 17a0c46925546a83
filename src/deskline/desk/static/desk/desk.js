/* Deskline: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  function humanSize(n) {
    if (n < 1024) return n + " B";
    if (n < 1048576) return (n / 1024).toFixed(1) + " KB";
    return (n / 1048576).toFixed(1) + " MB";
  }

  // Drag and drop onto the file area; the plain <input type=file multiple> stays the fallback.
  function setupDropzone(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector(".dz-list");
    if (!input) return;
    function show() {
      if (!list) return;
      list.innerHTML = "";
      Array.prototype.forEach.call(input.files, function (f) {
        var li = document.createElement("li");
        li.textContent = f.name + " (" + humanSize(f.size) + ")";
        list.appendChild(li);
      });
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      var merged = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { merged.items.add(f); });
      Array.prototype.forEach.call(e.dataTransfer.files, function (f) { merged.items.add(f); });
      input.files = merged.files;
      show();
    });
  }

  // The company search box: typing asks the server for suggestions (htmx); picking one sets
  // the hidden id the filter form sends. Typing again forgets the id until a new pick.
  function setupCombo(combo) {
    var value = combo.querySelector("[data-combo-value]");
    var text = combo.querySelector("[data-combo-text]");
    var list = combo.querySelector(".combo-list");
    if (!value || !text || !list) return;
    function close() {
      list.innerHTML = "";
      text.setAttribute("aria-expanded", "false");
    }
    // The hidden id announces each change, so a form can react (the coverage badge, a preview).
    function announce() {
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    text.addEventListener("input", function () {
      var had = value.value;
      value.value = "";
      if (had) announce();
      if (!text.value.trim()) close();
    });
    text.addEventListener("keydown", function (e) {
      if (e.key === "Escape") close();
    });
    list.addEventListener("click", function (e) {
      var pick = e.target.closest("[data-combo-pick]");
      if (!pick) return;
      value.value = pick.getAttribute("data-combo-pick");
      text.value = pick.textContent;
      close();
      announce();
      text.focus();
    });
    list.addEventListener("htmx:afterSwap", function () {
      text.setAttribute("aria-expanded", list.children.length ? "true" : "false");
    });
    document.addEventListener("click", function (e) {
      if (!combo.contains(e.target)) close();
    });
  }

  // After a reply template is inserted, reset its menu (so the same one can be chosen again)
  // and put the cursor at the end of the reply.
  document.addEventListener("htmx:afterSwap", function (e) {
    var source = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    if (!source || !source.hasAttribute || !source.hasAttribute("data-reset-after-swap")) return;
    source.value = "";
    var area = e.detail.target.querySelector("textarea");
    if (area) {
      area.focus();
      area.setSelectionRange(area.value.length, area.value.length);
    }
  });

  function setup(root) {
    root.querySelectorAll("[data-combo]").forEach(setupCombo);
    root.querySelectorAll("[data-dropzone]").forEach(setupDropzone);
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
    var all = root.querySelector("#check-all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll(".bulk-check").forEach(function (c) { c.checked = all.checked; });
      });
    }
  }

  /* "n" anywhere on the desk (outside a text box) opens the intake page for a new ticket. */
  document.addEventListener("keydown", function (e) {
    if (e.key !== "n" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (window.location.pathname.indexOf("/portal/") === 0) return;
    e.preventDefault();
    window.location.href = "/tickets/new/";
  });

  // The list refreshes itself every 30 s, except while rows are ticked for a bulk action (a
  // listener, not an hx-trigger filter: filters need eval, which the CSP forbids).
  document.addEventListener("htmx:beforeRequest", function (e) {
    var el = e.detail && e.detail.elt;
    if (el && el.hasAttribute && el.hasAttribute("data-pause-when-selected") &&
        document.querySelector(".bulk-check:checked")) {
      e.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
})();
