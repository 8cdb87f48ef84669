// Pairing: show a short code and its QR until a manager pairs this screen, then take the token.

import { claimPairing, retryAfter, startPairing } from "./api.js";
import { Backoff } from "./backoff.js";

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

export class PairingView {
  constructor(root) {
    this.root = root;
  }

  show(pairing) {
    this.root.querySelector("[data-code]").textContent = pairing.code;
    const qr = this.root.querySelector("[data-qr]");
    qr.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(pairing.qr_svg)}`;
    this.root.querySelector("[data-url]").textContent = pairing.pair_url;
    this.root.hidden = false;
  }

  waiting(text) {
    this.root.querySelector("[data-state]").textContent = text;
    this.root.hidden = false;
  }

  hide() {
    this.root.hidden = true;
  }
}

// Resolves with the screen's token once a manager has paired the code shown.
export async function pairScreen(view, player) {
  const backoff = new Backoff({ first: 3, most: 60 });
  for (;;) {
    let pairing;
    try {
      const response = await startPairing(player);
      if (response.status !== 201) {
        view.waiting(view.root.dataset.busy);
        await sleep(retryAfter(response, backoff.failed()));
        continue;
      }
      pairing = await response.json();
    } catch (error) {
      view.waiting(view.root.dataset.offline);
      await sleep(backoff.failed());
      continue;
    }
    backoff.succeeded();
    view.show(pairing);
    view.waiting("");
    const token = await claimUntilExpired(pairing);
    if (token) {
      view.hide();
      return token;
    }
    await sleep(backoff.failed()); // expired or gone: a new code, not at once
  }
}

async function claimUntilExpired(pairing) {
  const expires = Date.parse(pairing.expires_at);
  while (Date.now() < expires) {
    await sleep(pairing.poll_after_s || 3);
    try {
      const response = await claimPairing(pairing.secret);
      if (response.status === 200) return (await response.json()).token;
      if (response.status === 404 || response.status === 410) return null; // a new code, then
    } catch (error) {
      // Offline for a moment: keep the code on screen and ask again.
    }
  }
  return null;
}
