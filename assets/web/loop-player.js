// A small player of a screen's loop on the "what plays here" page: it shows each slide for its
// duration, in order, with pause/play and previous/next (buttons, or space and arrow keys on
// the slide). It starts paused when the device asks for reduced motion. Without it, the page
// still lists every slide in order with its duration.
const player = document.querySelector("[data-loop-player]");
const list = document.querySelector("[data-loop-items]");

if (player && list) {
  const items = [...list.querySelectorAll("li")].map((li) => ({
    figure: li.querySelector("figure"),
    seconds: Math.max(1, Number(li.dataset.duration) || 10),
  }));
  const stage = player.querySelector("[data-stage]");
  const status = player.querySelector("[data-status]");
  const bar = player.querySelector("[data-progress]");
  const toggle = player.querySelector("[data-toggle]");
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)");
  let index = 0;
  let playing = !reduced.matches;
  let elapsed = 0; // seconds of the current slide already shown
  let last = null;
  let frame = null;

  const say = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));

  function show(next) {
    index = (next + items.length) % items.length;
    elapsed = 0;
    const item = items[index];
    const copy = item.figure.cloneNode(true);
    copy.querySelectorAll("img").forEach((img) => img.removeAttribute("loading"));
    stage.replaceChildren(copy);
    describe();
    draw();
  }

  function describe() {
    const item = items[index];
    let text = say(player.dataset.statusText, { n: index + 1, total: items.length, seconds: item.seconds });
    if (!playing && reduced.matches && !player.dataset.started) text += " · " + player.dataset.reduced;
    status.textContent = text;
    // Read out only when a person acts (paused or stepping), not at every slide change.
    status.setAttribute("aria-live", playing ? "off" : "polite");
    toggle.textContent = playing ? player.dataset.pause : player.dataset.play;
  }

  function draw() {
    const share = Math.min(1, elapsed / items[index].seconds);
    bar.style.width = `${(share * 100).toFixed(2)}%`;
  }

  function tick(now) {
    if (last !== null) elapsed += (now - last) / 1000;
    last = now;
    if (elapsed >= items[index].seconds) show(index + 1);
    else draw();
    frame = window.requestAnimationFrame(tick);
  }

  function play() {
    playing = true;
    player.dataset.started = "1";
    last = null;
    if (frame === null) frame = window.requestAnimationFrame(tick);
    describe();
  }

  function pause() {
    playing = false;
    if (frame !== null) window.cancelAnimationFrame(frame);
    frame = null;
    describe();
  }

  function step(by) {
    show(index + by);
  }

  toggle.addEventListener("click", () => (playing ? pause() : play()));
  player.querySelector("[data-prev]").addEventListener("click", () => step(-1));
  player.querySelector("[data-next]").addEventListener("click", () => step(1));
  stage.addEventListener("keydown", (event) => {
    if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      if (playing) pause();
      else play();
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      step(-1);
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      step(1);
    }
  });
  // A hidden tab does not run the loop on; it picks up where it was when shown again.
  document.addEventListener("visibilitychange", () => {
    last = null;
  });

  if (items.length) {
    player.hidden = false;
    show(0);
    if (playing) play();
    else describe();
  }
}
