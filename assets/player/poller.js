// Polls the playlist as the protocol asks: If-None-Match, poll_after_s, valid_until, back-off.

import { retryAfter } from "./api.js";
import { Backoff } from "./backoff.js";

export class Poller {
  constructor({ api, version, accept, onStatus = () => {} }) {
    this.api = api;
    this.version = version; // the version held (its pictures stored)
    this.accept = accept; // async (playlist) => true once it can play it
    this.onStatus = onStatus;
    this.backoff = new Backoff();
    this.timer = null;
    this.lastAnswer = null;
  }

  start() {
    this.schedule(0);
  }

  schedule(seconds) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), seconds * 1000);
  }

  // Seconds until the next poll: poll_after_s, or valid_until if that comes first.
  static due(playlist, now) {
    if (!playlist) return 30;
    const untilInvalid = (Date.parse(playlist.valid_until) - now) / 1000;
    return Math.max(1, Math.min(playlist.poll_after_s, untilInvalid > 0 ? untilInvalid : Infinity));
  }

  async poll() {
    let wait;
    try {
      const response = await this.api.playlist(this.version);
      this.lastAnswer = Date.now();
      if (response.status === 200) {
        const playlist = await response.json();
        if (await this.accept(playlist)) {
          this.version = playlist.version;
          this.backoff.succeeded();
          this.onStatus("online");
          wait = Poller.due(playlist, Date.now());
        } else {
          wait = this.backoff.failed(); // pictures missing: fetch it all again a little later
          this.onStatus("downloading");
        }
      } else if (response.status === 304) {
        this.backoff.succeeded();
        this.onStatus("online");
        wait = this.current ? Poller.due(this.current(), Date.now()) : 30;
      } else if (response.status === 401) {
        this.onStatus("refused");
        wait = 60;
      } else if (response.status === 429 || response.status === 503) {
        this.onStatus("busy");
        wait = retryAfter(response, this.backoff.failed());
      } else {
        this.onStatus(`error ${response.status}`);
        wait = this.backoff.failed();
      }
    } catch (error) {
      this.onStatus("offline");
      wait = this.backoff.failed();
    }
    this.schedule(wait);
  }
}
