// The playlist's pictures, kept in Cache Storage by content hash (checked), the unused removed.

export const PICTURES = "campaign-pictures";

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function picturesOf(...playlists) {
  const urls = new Map();
  for (const playlist of playlists) {
    if (!playlist) continue;
    for (const item of [...playlist.items, ...playlist.fallback]) urls.set(item.url, item.sha256);
  }
  return urls;
}

// Fetches what is missing; resolves true when every picture of `playlist` is stored. Pictures
// that none of `keepAlso` (the playlists still playing) names are deleted then.
export async function keepPictures(playlist, keepAlso = []) {
  if (!("caches" in self)) return true; // no Cache Storage (not a secure origin): the HTTP cache serves
  const cache = await caches.open(PICTURES);
  const wanted = picturesOf(playlist);
  let complete = true;
  for (const [url, sha256] of wanted) {
    if (await cache.match(url)) continue;
    try {
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) throw new Error(`${response.status}`);
      const bytes = await response.clone().arrayBuffer();
      if (crypto.subtle && (await sha256Hex(bytes)) !== sha256) throw new Error("hash mismatch");
      await cache.put(url, response);
    } catch (error) {
      complete = false;
    }
  }
  if (complete) {
    const keep = picturesOf(playlist, ...keepAlso);
    for (const request of await cache.keys()) {
      if (!keep.has(new URL(request.url).pathname)) await cache.delete(request);
    }
  }
  return complete;
}
