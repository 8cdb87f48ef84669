// What plays next: the playlist's items in order, in a loop; a new version only at a boundary.

export class Loop {
  constructor() {
    this.playlist = null;
    this.pending = null;
    this.position = 0;
  }

  // A fresh playlist waits for the end of the current item, so no message is cut short.
  offer(playlist) {
    if (this.playlist === null) this.playlist = playlist;
    else if (playlist.version === this.playlist.version) this.pending = null;
    else this.pending = playlist;
  }

  // The playlist that plays from the next boundary on.
  get latest() {
    return this.pending || this.playlist;
  }

  // Items while the playlist is valid, then its fallback (never empty, per the protocol).
  static itemsOf(playlist, at) {
    if (!playlist) return [];
    const live = at < Date.parse(playlist.valid_until);
    return live && playlist.items.length ? playlist.items : playlist.fallback;
  }

  // Called at each boundary: adopts a waiting version (played from its first item, as the
  // server ordered it), then gives the next item.
  next(at) {
    if (this.pending) {
      this.playlist = this.pending;
      this.pending = null;
      this.position = 0;
    }
    const items = Loop.itemsOf(this.playlist, at);
    if (!items.length) return null;
    const item = items[this.position % items.length];
    this.position = (this.position + 1) % items.length;
    return { item, version: this.playlist.version };
  }

  // What `next` would give at `at`, without moving on: the picture to decode ahead.
  peek(at) {
    const items = Loop.itemsOf(this.latest, at);
    const position = this.pending ? 0 : this.position;
    return items.length ? items[position % items.length] : null;
  }
}
