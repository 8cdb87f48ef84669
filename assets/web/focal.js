// The focal point page, improved where JavaScript runs: a click on the picture sets the focal
// point, the marker follows the two number inputs, and the crop previews show the change before
// it is saved. Saving is the form's own submit; without this script the inputs do it all.

const form = document.getElementById("focal-form");
const picture = document.getElementById("focal-picture");
const image = document.getElementById("focal-image");
const marker = document.getElementById("focal-marker");
if (form && picture && image && marker) {
  enhance();
}

function enhance() {
  const x = form.elements.focal_x;
  const y = form.elements.focal_y;
  const note = document.getElementById("crops-note");
  const containNote = document.getElementById("contain-note");
  const crops = [...document.querySelectorAll("img[data-crop]")];
  const saved = { fit: fit(), x: x.value, y: y.value };
  let timer = 0;

  picture.classList.add("pickable");
  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    x.value = share((event.clientX - box.left) / box.width);
    y.value = share((event.clientY - box.top) / box.height);
    changed();
  });
  for (const input of [x, y]) {
    input.addEventListener("input", changed);
  }
  for (const radio of form.querySelectorAll('input[name="fit"]')) {
    radio.addEventListener("change", changed);
  }
  showFit();

  function fit() {
    const chosen = form.querySelector('input[name="fit"]:checked');
    return chosen ? chosen.value : "contain";
  }

  function read(input) {
    const value = Number(String(input.value).replace(",", "."));
    return input.value !== "" && value >= 0 && value <= 1 ? value : null;
  }

  function changed() {
    const fx = read(x);
    const fy = read(y);
    if (fx !== null && fy !== null) {
      move(fx, fy);
    }
    showFit();
    clearTimeout(timer);
    timer = setTimeout(() => preview(fx, fy), 300);
  }

  function showFit() {
    if (containNote) containNote.hidden = fit() !== "contain";
  }

  function move(fx, fy) {
    const cx = `${(fx * 100).toFixed(2)}%`;
    const cy = `${(fy * 100).toFixed(2)}%`;
    for (const line of marker.querySelectorAll("line")) {
      if (line.dataset.axis === "x") {
        line.setAttribute("x1", cx);
        line.setAttribute("x2", cx);
      } else {
        line.setAttribute("y1", cy);
        line.setAttribute("y2", cy);
      }
    }
    for (const circle of marker.querySelectorAll("circle")) {
      circle.setAttribute("cx", cx);
      circle.setAttribute("cy", cy);
    }
  }

  // The previews come from the server, drawn by the code the screens' pictures are drawn with.
  function preview(fx, fy) {
    if (fx === null || fy === null) return;
    const same = fit() === saved.fit && x.value === saved.x && y.value === saved.y;
    if (note) note.textContent = same ? note.dataset.saved : note.dataset.trying;
    const query = new URLSearchParams({ fit: fit(), x: fx.toFixed(3), y: fy.toFixed(3) });
    for (const crop of crops) {
      crop.classList.add("loading");
      crop.addEventListener("load", () => crop.classList.remove("loading"), { once: true });
      crop.addEventListener("error", () => crop.classList.remove("loading"), { once: true });
      crop.src = `${crop.dataset.crop}?${query}`;
    }
  }
}

function share(value) {
  return Math.min(1, Math.max(0, value)).toFixed(2);
}
