// Waits between retries after errors: doubling from a few seconds, capped, with jitter.

export class Backoff {
  constructor({ first = 5, most = 300, random = Math.random } = {}) {
    this.first = first;
    this.most = most;
    this.random = random;
    this.failures = 0;
  }

  // Seconds to wait after one more failure (±20 %, so a fleet does not retry in step).
  failed() {
    this.failures += 1;
    const base = Math.min(this.most, this.first * 2 ** (this.failures - 1));
    return base * (0.8 + 0.4 * this.random());
  }

  succeeded() {
    this.failures = 0;
  }
}
