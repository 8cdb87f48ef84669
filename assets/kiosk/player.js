// Kiosk player: polls the screen's playlist, plays it, keeps playing offline, reports plays.
"use strict";

(() => {
  const API = "/api/v1/player";
  const STORE = "campaign-player";
  const MAX_BATCH = 500;

  const saved = JSON.parse(localStorage.getItem(STORE) || "{}");
  const state = {
    token: saved.token || null,
    playlist: saved.playlist || null,
    plays: saved.plays || [],
    started: Date.now(),
  };

  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("token")) {
    state.token = fragment.get("token");
    history.replaceState(null, "", location.pathname);
  }

  function persist() {
    localStorage.setItem(STORE, JSON.stringify({
      token: state.token, playlist: state.playlist, plays: state.plays.slice(-5000),
    }));
  }

  function status(text) {
    const el = document.getElementById("status");
    el.hidden = !text;
    el.textContent = text || "";
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  async function call(path, options = {}) {
    const headers = Object.assign({ Authorization: `Bearer ${state.token}` }, options.headers);
    return fetch(API + path, Object.assign({}, options, { headers, cache: "no-store" }));
  }

  async function poll() {
    let wait = 30;
    try {
      const headers = state.playlist ? { "If-None-Match": `"${state.playlist.version}"` } : {};
      const response = await call("/playlist", { headers });
      if (response.status === 200) {
        state.playlist = await response.json();
        persist();
        preload(state.playlist);
        status("");
      } else if (response.status === 401) {
        status("Token rechazado · token refused");
      }
      if (state.playlist) wait = state.playlist.poll_after_s;
    } catch (error) {
      status("Sin conexión · offline");
    }
    setTimeout(poll, wait * 1000);
  }

  function preload(playlist) {
    for (const item of [...playlist.items, ...playlist.fallback]) new Image().src = item.url;
  }

  function currentItems() {
    const p = state.playlist;
    if (!p) return [];
    const live = Date.now() < Date.parse(p.valid_until);
    return live && p.items.length ? p.items : p.fallback;
  }

  let index = 0;
  let front = "slide-a";
  function playNext() {
    const items = currentItems();
    if (!items.length) {
      setTimeout(playNext, 1000);
      return;
    }
    const item = items[index % items.length];
    index += 1;
    const back = front === "slide-a" ? "slide-b" : "slide-a";
    const next = document.getElementById(back);
    const startedAt = new Date();
    next.onload = () => {
      next.classList.add("shown");
      document.getElementById(front).classList.remove("shown");
      front = back;
    };
    next.src = item.url;
    next.alt = item.message;
    setTimeout(() => {
      state.plays.push({
        id: uuid(), item_id: item.id, started_at: startedAt.toISOString(),
        duration_s: item.duration_s,
      });
      persist();
      playNext();
    }, item.duration_s * 1000);
  }

  async function reportPlays() {
    if (!state.plays.length) return;
    const batch = state.plays.slice(0, MAX_BATCH);
    try {
      const response = await call("/plays", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ plays: batch }),
      });
      if (response.ok || response.status === 422) {
        state.plays = state.plays.slice(batch.length);
        persist();
      }
    } catch (error) {
      // Offline: the plays stay queued and go with the next report.
    }
  }

  async function heartbeat() {
    try {
      await call("/heartbeat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          playing_version: state.playlist ? state.playlist.version : null,
          player: `kiosk-browser ${navigator.userAgent}`.slice(0, 200),
          uptime_s: Math.round((Date.now() - state.started) / 1000),
        }),
      });
    } catch (error) {
      // Offline: the next heartbeat will tell.
    }
  }

  if (!state.token) {
    status("Abra /play#token=… · open /play#token=…");
    return;
  }
  if (state.playlist) preload(state.playlist);
  poll();
  playNext();
  heartbeat();
  setInterval(heartbeat, 60000);
  setInterval(reportPlays, 15000);
})();
