// Sends queued plays in batches; a batch leaves the queue only once the server acknowledged it.

import { retryAfter } from "./api.js";
import { Backoff } from "./backoff.js";

export const BATCH = 500; // the protocol takes up to 1,000 a batch
const COUNTS_BATCH = 100; // and up to 200 counts
const EVERY_S = 15;

export class Reporter {
  constructor({ api, queue, every = EVERY_S }) {
    this.api = api;
    this.queue = queue;
    this.every = every;
    this.backoff = new Backoff();
    this.timer = null;
    this.sending = null;
  }

  start() {
    this.schedule(this.every);
  }

  schedule(seconds) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.send(), seconds * 1000);
  }

  // One send at a time: a batch is never in flight twice from this player.
  send() {
    if (!this.sending) this.sending = this.sendAll().finally(() => { this.sending = null; });
    return this.sending;
  }

  // The next batch: single plays first, then counts made when storage ran short.
  async nextBatch() {
    const { keys, plays } = await this.queue.nextBatch(BATCH);
    if (keys.length) return { keys, send: () => this.api.plays(plays), counts: false };
    const found = await this.queue.counts(COUNTS_BATCH);
    const counts = found.counts.map(({ kind, ...count }) => count);
    return { keys: found.keys, send: () => this.api.playCounts(counts), counts: true };
  }

  async sendAll() {
    let wait = this.every;
    try {
      for (;;) {
        const batch = await this.nextBatch();
        const keys = batch.keys;
        if (!keys.length) break;
        const response = await batch.send();
        if (response.status === 200) {
          // Accepted, duplicates and rejected alike: the server has decided on each of them.
          await this.queue.acknowledge(keys);
          this.backoff.succeeded();
          continue;
        }
        if ([400, 413, 422].includes(response.status) && !batch.counts) {
          await this.queue.keepAsCounts(keys); // refused as a whole: kept as counts, not lost
          continue;
        }
        if (response.status === 429 || response.status === 503) wait = retryAfter(response, this.backoff.failed());
        else if (response.status === 507) wait = 300;
        else wait = this.backoff.failed();
        break;
      }
    } catch (error) {
      wait = this.backoff.failed(); // offline: the plays stay queued
    }
    this.schedule(wait);
  }
}
