// The player's service worker: its page and scripts from the network when it answers, else the
// copy kept here; pictures from the cache the player fills by content hash.

const SHELL = "campaign-player-shell-v1";
const PICTURES = "campaign-pictures";
const FILES = [
  "./", "player.css", "main.js", "api.js", "backoff.js", "heartbeat.js", "loop.js", "pairing.js",
  "pictures.js", "player.js", "poller.js", "queue.js", "reporter.js", "stage.js", "store.js",
];
const NETWORK_WAIT_MS = 4000; // on a slow link, the kept copy rather than a long blank start

// Shown only if neither the network nor the cache has the page: the campaign's colour, then retry.
const LAST_RESORT = '<!doctype html><meta http-equiv="refresh" content="30">' +
  '<body style="margin:0;background:#0b3d91"></body>';

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("campaign-player-shell-") && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function shellFile(request) {
  const cache = await caches.open(SHELL);
  let timer;
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("slow")), NETWORK_WAIT_MS); }),
    ]);
    if (response.ok) {
      await cache.put(request, response.clone());
      return response;
    }
  } catch (error) {
    // Unreachable or slow: the kept copy below.
  } finally {
    clearTimeout(timer);
  }
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  return new Response(LAST_RESORT, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function picture(request) {
  const kept = await (await caches.open(PICTURES)).match(new URL(request.url).pathname);
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== "GET") return;
  const scope = new URL(self.registration.scope).pathname;
  if (url.pathname.startsWith("/assets/")) event.respondWith(picture(event.request));
  else if (url.pathname.startsWith(scope) && !url.pathname.endsWith("/sw.js")) event.respondWith(shellFile(event.request));
});
