// Proof of play kept until the server acknowledges it: plays queued in IndexedDB, rolled up into
// counts (never dropped) if storage ever runs short.

const RESERVE_BYTES = 8 * 1024 * 1024; // below this much free quota, old plays are rolled up
const ROLL_UP_SHARE = 0.5; // the oldest half of the queue when it must shrink

function estimateStorage() {
  if (navigator.storage && navigator.storage.estimate) return navigator.storage.estimate();
  return Promise.resolve({ usage: 0, quota: Infinity });
}

function hourOf(startedAt) {
  const at = new Date(startedAt);
  at.setUTCMinutes(0, 0, 0);
  return at.toISOString();
}

// Plays of one item in one UTC hour become one count, with an id of its own so that a count
// re-sent is not counted twice: what is kept of them when room runs out. Counts already made
// are kept as they are (one of them may have reached the server already).
export function rollUp(records) {
  const made = new Map();
  const kept = [];
  for (const record of records) {
    if (record.kind === "count") {
      kept.push(record);
      continue;
    }
    const key = `${record.item_id} ${hourOf(record.started_at)}`;
    const count = made.get(key);
    if (!count) {
      made.set(key, {
        kind: "count", id: crypto.randomUUID(), item_id: record.item_id,
        hour: hourOf(record.started_at), plays: 1, seconds: record.duration_s,
        first: record.started_at, last: record.started_at,
      });
      continue;
    }
    count.plays += 1;
    count.seconds += record.duration_s;
    if (Date.parse(record.started_at) < Date.parse(count.first)) count.first = record.started_at;
    if (Date.parse(record.started_at) > Date.parse(count.last)) count.last = record.started_at;
  }
  return [...kept, ...made.values()];
}

export class PlayQueue {
  constructor(store, { estimate = estimateStorage, reserveBytes = RESERVE_BYTES } = {}) {
    this.store = store;
    this.estimate = estimate;
    this.reserveBytes = reserveBytes;
  }

  async add(play) {
    await this.makeRoom();
    try {
      await this.store.addRecords([{ kind: "play", ...play }]);
    } catch (error) {
      if (error.name !== "QuotaExceededError") throw error;
      await this.shrink();
      await this.store.addRecords([{ kind: "play", ...play }]);
    }
  }

  // Up to `limit` of the oldest single plays, for one batch, with the keys to acknowledge.
  async nextBatch(limit) {
    const found = await this.store.oldest(limit, (record) => record.kind === "play");
    return { keys: found.map((entry) => entry.key), plays: found.map(({ value }) => playOf(value)) };
  }

  async acknowledge(keys) {
    if (keys.length) await this.store.replaceRecords(keys);
  }

  // Plays the server will never take (a batch it refused as a whole) are kept as counts.
  async keepAsCounts(keys) {
    const chosen = new Set(keys);
    const found = await this.store.oldest(Infinity, () => true);
    const records = found.filter((entry) => chosen.has(entry.key)).map((entry) => entry.value);
    await this.store.replaceRecords(keys, rollUp(records));
  }

  async counts(limit) {
    const found = await this.store.oldest(limit, (record) => record.kind === "count");
    return { keys: found.map((entry) => entry.key), counts: found.map((entry) => entry.value) };
  }

  async length() {
    return this.store.countRecords();
  }

  async storage() {
    const { usage = 0, quota = Infinity } = await this.estimate();
    return { usage, quota };
  }

  async makeRoom() {
    const { usage, quota } = await this.storage();
    if (quota - usage < this.reserveBytes) await this.shrink();
  }

  // The oldest share of the queue becomes counts, in one transaction.
  async shrink() {
    const total = await this.length();
    const found = await this.store.oldest(Math.max(1, Math.ceil(total * ROLL_UP_SHARE)));
    await this.store.replaceRecords(found.map((entry) => entry.key), rollUp(found.map((e) => e.value)));
  }
}

function playOf(record) {
  return { id: record.id, item_id: record.item_id, started_at: record.started_at, duration_s: record.duration_s };
}
