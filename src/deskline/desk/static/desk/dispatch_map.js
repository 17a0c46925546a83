/* The map of a day's visits (at their sites) and the engineers' last known positions (Leaflet).
   Tiles come from the configured server; with none configured the markers stand on a blank map. */
(function () {
  "use strict";
  var box = document.getElementById("dispatch-map");
  if (!box || !window.L) { return; }
  var map = window.L.map(box).setView([55.75, 37.62], 10);
  if (box.dataset.tiles) {
    window.L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
  }
  var list = document.getElementById("dispatch-map-list");
  function add(p, colour, text) {
    window.L.circleMarker([p.lat, p.lon], { radius: 8, color: colour, fillOpacity: 0.8 })
      .bindTooltip(text).addTo(map);
    var li = document.createElement("li");
    li.className = colour === "#2563eb" ? "map-visit" : "map-engineer";
    li.textContent = text;
    list.appendChild(li);
    return [p.lat, p.lon];
  }
  fetch(box.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (data) {
      var bounds = [];
      data.visits.forEach(function (v) { bounds.push(add(v, "#2563eb", v.label + " · " + v.status)); });
      data.engineers.forEach(function (e) { bounds.push(add(e, "#16a34a", e.label)); });
      if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 }); }
      box.dataset.loaded = String(bounds.length);
    });
})();
