// The heartbeat: the version playing, the uptime, the play queue's length and the storage.

const EVERY_S = 60;

export class Heartbeat {
  constructor({ api, queue, loop, startedAt, every = EVERY_S }) {
    Object.assign(this, { api, queue, loop, startedAt, every });
    this.timer = null;
  }

  start() {
    this.beat();
  }

  async beat() {
    try {
      const [queued, { usage, quota }] = await Promise.all([this.queue.length(), this.queue.storage()]);
      const storage = Number.isFinite(quota) ? { usage_bytes: usage, quota_bytes: quota } : null;
      await this.api.heartbeat({
        playing_version: this.loop.playlist ? this.loop.playlist.version : null,
        player: `campaign-web-player/2 ${navigator.userAgent}`.slice(0, 200),
        uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
        queued_plays: queued,
        storage,
        free_bytes: storage ? Math.max(0, Math.floor(quota - usage)) : undefined,
      });
    } catch (error) {
      // Offline: the next heartbeat tells.
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.beat(), this.every * 1000);
  }
}
