// The player's own storage in IndexedDB: its settings (token, last playlist) and its play queue.

const DB_NAME = "campaign-player";
const SETTINGS = "settings";
const PLAYS = "plays";

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onabort = () => reject(transaction.error || new DOMException("aborted", "AbortError"));
    transaction.onerror = () => reject(transaction.error);
  });
}

export class Store {
  constructor(db) {
    this.db = db;
  }

  static async open(name = DB_NAME) {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(SETTINGS);
      db.createObjectStore(PLAYS, { autoIncrement: true });
    };
    return new Store(await done(request));
  }

  async get(key) {
    return done(this.db.transaction(SETTINGS).objectStore(SETTINGS).get(key));
  }

  async set(key, value) {
    const transaction = this.db.transaction(SETTINGS, "readwrite", { durability: "strict" });
    transaction.objectStore(SETTINGS).put(value, key);
    return finished(transaction);
  }

  async remove(key) {
    const transaction = this.db.transaction(SETTINGS, "readwrite", { durability: "strict" });
    transaction.objectStore(SETTINGS).delete(key);
    return finished(transaction);
  }

  // Records are written with strict durability: a play is on disk once this resolves, so a
  // power cut right after loses nothing that was acknowledged.
  async addRecords(records) {
    const transaction = this.db.transaction(PLAYS, "readwrite", { durability: "strict" });
    const plays = transaction.objectStore(PLAYS);
    for (const record of records) plays.add(record);
    return finished(transaction);
  }

  // The oldest records, in the order they were queued, with their keys; `accept` picks them.
  async oldest(limit, accept = () => true) {
    const found = [];
    const transaction = this.db.transaction(PLAYS);
    const request = transaction.objectStore(PLAYS).openCursor();
    await new Promise((resolve, reject) => {
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor || found.length >= limit) return resolve();
        if (accept(cursor.value)) found.push({ key: cursor.key, value: cursor.value });
        cursor.continue();
      };
    });
    return found;
  }

  // Removes `keys` and adds `records` in one transaction: both happen or neither.
  async replaceRecords(keys, records = []) {
    const transaction = this.db.transaction(PLAYS, "readwrite", { durability: "strict" });
    const plays = transaction.objectStore(PLAYS);
    for (const key of keys) plays.delete(key);
    for (const record of records) plays.add(record);
    return finished(transaction);
  }

  async countRecords() {
    return done(this.db.transaction(PLAYS).objectStore(PLAYS).count());
  }

  close() {
    this.db.close();
  }
}

// The same calls in memory, for a browser that refuses IndexedDB: the player still plays and
// reports, but keeps nothing across a reload.
export class MemoryStore {
  constructor() {
    this.settings = new Map();
    this.records = new Map();
    this.next = 1;
  }

  async get(key) {
    return this.settings.get(key);
  }

  async set(key, value) {
    this.settings.set(key, value);
  }

  async remove(key) {
    this.settings.delete(key);
  }

  async addRecords(records) {
    for (const record of records) this.records.set(this.next++, record);
  }

  async oldest(limit, accept = () => true) {
    const found = [];
    for (const [key, value] of this.records) {
      if (found.length >= limit) break;
      if (accept(value)) found.push({ key, value });
    }
    return found;
  }

  async replaceRecords(keys, records = []) {
    for (const key of keys) this.records.delete(key);
    await this.addRecords(records);
  }

  async countRecords() {
    return this.records.size;
  }

  close() {}
}
