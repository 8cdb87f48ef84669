// The player protocol's calls (docs/player-protocol.md), with the screen's bearer token.

const BASE = "/api/v1/player";

export class Api {
  constructor(token) {
    this.token = token;
  }

  request(path, { method = "GET", body, headers = {} } = {}) {
    const sent = { Authorization: `Bearer ${this.token}`, ...headers };
    if (body !== undefined) sent["Content-Type"] = "application/json";
    return fetch(BASE + path, {
      method, headers: sent, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  playlist(version) {
    return this.request("/playlist", { headers: version ? { "If-None-Match": `"${version}"` } : {} });
  }

  // The playlist as published for a static server (its `published_url`): no token goes there;
  // `etag` is the ETag that URL last gave, so an unchanged file is a 304.
  published(url, etag) {
    return fetch(url, { cache: "no-store", headers: etag ? { "If-None-Match": etag } : {} });
  }

  plays(plays) {
    return this.request("/plays", { method: "POST", body: { plays } });
  }

  playCounts(counts) {
    return this.request("/play-counts", { method: "POST", body: { counts } });
  }

  heartbeat(beat) {
    return this.request("/heartbeat", { method: "POST", body: beat });
  }
}

// Pairing needs no token: the player holds a secret that only it knows.
export function startPairing(player) {
  return fetch(`${BASE}/pairings`, {
    method: "POST", cache: "no-store",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ player }),
  });
}

export function claimPairing(secret) {
  return fetch(`${BASE}/pairings/claim`, {
    method: "POST", cache: "no-store",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ secret }),
  });
}

// Seconds to wait from a Retry-After header, or `otherwise`.
export function retryAfter(response, otherwise) {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : otherwise;
}
