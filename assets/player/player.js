// The player: plays the loop on the stage, records each completed item, keeps its playlist.

import { Heartbeat } from "./heartbeat.js";
import { Loop } from "./loop.js";
import { keepPictures } from "./pictures.js";
import { Poller } from "./poller.js";
import { PlayQueue } from "./queue.js";
import { Reporter } from "./reporter.js";

const RETRY_MS = 5000; // when no item could be shown: the picture on screen stays meanwhile

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Player {
  constructor({ store, api, stage, onStatus = () => {}, onRefused = () => {} }) {
    Object.assign(this, { store, api, stage, onStatus, onRefused });
    this.loop = new Loop();
    this.queue = new PlayQueue(store);
    this.shown = null;
    this.timer = null;
    this.misses = 0;
    this.running = false; // the loop has an item in hand (or is decoding one)
    this.writes = Promise.resolve();
    this.status = "starting";
    this.completed = 0; // items played to the end since the page loaded
    this.playingVersion = null;
  }

  async start() {
    const saved = await this.store.get("playlist");
    if (saved) this.loop.offer(saved);
    this.poller = new Poller({
      api: this.api, version: saved && saved.version, published: (saved && saved.published_url) || null,
      accept: (playlist) => this.accept(playlist),
      onStatus: (status) => this.setStatus(status),
    });
    this.poller.current = () => this.loop.latest;
    this.reporter = new Reporter({ api: this.api, queue: this.queue });
    this.heartbeat = new Heartbeat({ api: this.api, queue: this.queue, loop: this.loop, startedAt: Date.now() });
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    this.poller.start();
    this.reporter.start();
    this.heartbeat.start();
    this.step();
  }

  setStatus(status) {
    // Back in touch after an outage: what was queued meanwhile goes at once.
    if (status === "online" && this.status !== "online" && this.status !== "starting") this.reporter.send();
    this.status = status;
    this.onStatus(status);
    if (status === "refused" && !this.loop.playlist) this.onRefused();
  }

  // A playlist is taken once its pictures are stored, so it can play offline from then on.
  async accept(playlist) {
    if (!(await keepPictures(playlist, [this.loop.playlist, this.loop.pending]))) return false;
    await this.store.set("playlist", playlist);
    this.loop.offer(playlist);
    if (!this.running) this.step(); // nothing was playing yet
    return true;
  }

  async step() {
    this.timer = null;
    const next = this.loop.next(Date.now());
    this.running = next !== null;
    if (!next) return; // no playlist yet: `accept` starts the loop
    const shown = await this.stage.prepare(next.item.url);
    if (!shown) {
      // The picture could not be decoded: try the next item, and after a whole loop of
      // failures wait a little; what is on screen stays there meanwhile.
      this.misses += 1;
      const items = Loop.itemsOf(this.loop.playlist, Date.now());
      this.timer = setTimeout(() => this.step(), this.misses >= items.length ? RETRY_MS : 0);
      return;
    }
    this.misses = 0;
    this.stage.show(next.item);
    this.shown = { item: next.item, startedAt: Date.now() };
    if (next.version !== this.playingVersion) {
      this.playingVersion = next.version;
      this.heartbeat.beat(); // the server learns at once which version the screen shows
    }
    setTimeout(() => this.prepareNext(), this.stage.fadeMs + 100);
    this.timer = setTimeout(() => this.finish(), next.item.duration_s * 1000);
  }

  prepareNext() {
    const item = this.loop.peek(Date.now());
    if (item) this.stage.prepare(item.url);
  }

  // The item played its whole duration: it is recorded, then the next one starts.
  finish() {
    const { item, startedAt } = this.shown;
    const play = {
      id: uuid(), item_id: item.id, started_at: new Date(startedAt).toISOString(),
      duration_s: (Date.now() - startedAt) / 1000,
    };
    this.completed += 1;
    this.writes = this.writes.then(() => this.queue.add(play)).catch((error) => {
      console.error("a play could not be queued", error);
    });
    this.step();
  }

  // Resolves once pending work (a picture decoding, plays being written) is done: for tests.
  async settled() {
    await this.writes;
    if (this.stage.loading) await this.stage.loading.promise;
    await this.writes;
  }
}
