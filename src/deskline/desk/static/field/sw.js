/* The field app's service worker: pages under /field/ and the static files are served from the
   network when there is one (and kept), from the cache when there is none. Actions are never
   sent from here: the page keeps its own queue and sends it when the network returns. */
"use strict";
var CACHE = "deskline-field-v1";
var SHELL = /*SHELL*/[];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var page = url.pathname.indexOf("/field/") === 0 && url.pathname !== "/field/sw.js";
  if (!page && url.pathname.indexOf("/static/") !== 0) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      return hit || caches.match("/field/") || Response.error();
    });
  }));
});
