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

  function setup(root) {
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

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
})();
