// Starts the web player: the service worker, the token (provisioned or paired), then the loop.

import { Api } from "./api.js";
import { PairingView, pairScreen } from "./pairing.js";
import { Player } from "./player.js";
import { Stage } from "./stage.js";
import { MemoryStore, Store } from "./store.js";

const debug = new URLSearchParams(location.search).has("debug");

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js", { scope: "./" }).catch((error) => {
    console.warn("no offline copy of the player:", error);
  });
}

function showDebug(player) {
  const panel = document.getElementById("debug");
  panel.hidden = false;
  const draw = async () => {
    const queued = await player.queue.length().catch(() => "?");
    const playlist = player.loop.playlist;
    const version = playlist ? playlist.version.slice(0, 8) : "-";
    // The screen's own local time (its hub's timezone), whatever the device's zone is set to.
    const timeZone = playlist ? playlist.screen.timezone : undefined;
    const time = new Date().toLocaleTimeString("es-PE", { hour12: false, timeZone });
    panel.textContent = `${time} · ${player.status} · v ${version} · ${queued}`;
  };
  setInterval(draw, 1000);
  draw();
}

async function boot() {
  registerWorker();
  const store = await Store.open().catch((error) => {
    console.warn("no IndexedDB: nothing is kept across a reload", error);
    return new MemoryStore();
  });
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has("token") || fragment.has("pair")) {
    if (fragment.get("token")) await store.set("token", fragment.get("token"));
    else await store.remove("token");
    history.replaceState(null, "", location.pathname + location.search); // the secret leaves the URL
  }
  let token = await store.get("token");
  if (!token) {
    token = await pairScreen(new PairingView(document.getElementById("pairing")), navigator.userAgent.slice(0, 200));
    await store.set("token", token);
  }
  const stage = new Stage(document.getElementById("slide-a"), document.getElementById("slide-b"));
  const player = new Player({
    store, api: new Api(token), stage,
    // A refused token with nothing to play: show a pairing code instead of a blank screen.
    onRefused: async () => {
      await store.remove("token");
      location.reload();
    },
  });
  window.campaignPlayer = player;
  await player.start();
  if (debug) showDebug(player);
}

document.addEventListener("keydown", () => document.documentElement.requestFullscreen?.().catch(() => {}), { once: true });
boot();
