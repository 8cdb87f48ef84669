// Polls the playlist as the protocol asks: If-None-Match, poll_after_s, valid_until, back-off.
// Where the last playlist names a `published_url`, that static file is polled instead (no token);
// on a 404 (token revoked or rotated) or any failure there, the API is polled as before.

import { retryAfter } from "./api.js";
import { Backoff } from "./backoff.js";

export class Poller {
  constructor({ api, version, published = null, accept, onStatus = () => {} }) {
    this.api = api;
    this.version = version; // the version held (its pictures stored)
    this.published = published; // the held playlist's published_url, if it has one
    this.publishedEtag = null; // the ETag that URL last gave
    this.unconditional = false; // after a 404 there: ask the API for the whole answer once
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

  // The published file's answer, or null when the API must be asked (404, an error, no file).
  async pollPublished() {
    if (!this.published) return null;
    try {
      const response = await this.api.published(this.published, this.publishedEtag);
      if (response.status === 200 || response.status === 304) return response;
      if (response.status === 404) {
        // Revoked or rotated: the API says which (401, or a new published_url in full).
        this.published = this.publishedEtag = null;
        this.unconditional = true;
      }
    } catch (error) {
      // The static server is unreachable: the API may not be.
    }
    return null;
  }

  async poll() {
    let wait;
    try {
      const fromFile = await this.pollPublished();
      const response = fromFile || (await this.api.playlist(this.unconditional ? null : this.version));
      this.lastAnswer = Date.now();
      if (response.status === 200) {
        const playlist = await response.json();
        if (await this.accept(playlist)) {
          this.version = playlist.version;
          // The file's ETag is kept once its playlist is taken: a refused one is fetched again.
          if (fromFile) this.publishedEtag = fromFile.headers.get("ETag");
          else this.unconditional = false;
          const published = playlist.published_url || null;
          if (published !== this.published) this.publishedEtag = null;
          this.published = published;
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
