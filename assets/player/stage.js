// Two picture layers that cross-fade: the next picture is decoded on the hidden one first.

const FADE_MS = 400;

export class Stage {
  constructor(front, back) {
    this.front = front;
    this.back = back;
    this.ready = null; // the URL decoded on the back layer, if any
    this.loading = null;
  }

  // Decodes `url` on the back layer; resolves true once it can be shown without a flash.
  prepare(url) {
    if (this.ready === url) return Promise.resolve(true);
    if (this.loading && this.loading.url === url) return this.loading.promise;
    const layer = this.back;
    this.ready = null;
    layer.src = url;
    const promise = layer.decode().then(
      () => {
        if (layer.src.endsWith(url) && this.back === layer) this.ready = url;
        return this.ready === url;
      },
      () => false,
    );
    this.loading = { url, promise };
    promise.finally(() => {
      if (this.loading && this.loading.promise === promise) this.loading = null;
    });
    return promise;
  }

  // Shows the prepared picture; the one shown before fades out under it.
  show(item) {
    const [front, back] = [this.back, this.front];
    front.alt = item.message === "_campaign" ? "" : item.message;
    front.dataset.item = item.id;
    front.classList.add("shown");
    back.classList.remove("shown");
    this.front = front;
    this.back = back;
    this.ready = null;
  }

  get fadeMs() {
    return FADE_MS;
  }
}
