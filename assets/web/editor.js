// The message editor: redraw the previews and the warnings a moment after typing stops.
// Without this script the "Preview and check" button does the same with a page load.

const form = document.getElementById("message-form");
const DELAY_MS = 600;

if (form) {
  const figures = Array.from(document.querySelectorAll(".previews figure[data-lang]"));
  let timer = 0;
  let running = null; // the AbortController of the requests in flight

  // A picture is shown as a data: URL: the page's policy allows those and not blob: URLs.
  const asDataUrl = (blob) =>
    new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });

  const show = (figure, src, problem) => {
    const img = figure.querySelector("img");
    const text = figure.querySelector(".problem");
    figure.classList.remove("busy");
    if (src) {
      img.src = src;
      img.hidden = false;
      text.hidden = true;
    } else {
      img.hidden = true;
      img.removeAttribute("src");
      text.textContent = problem;
      text.hidden = false;
    }
  };

  const body = () => {
    const data = new FormData(form);
    data.delete("action");
    return data;
  };

  const drawPreview = async (figure, signal) => {
    const url = new URL(form.dataset.previewUrl, window.location.href);
    url.searchParams.set("lang", figure.dataset.lang);
    url.searchParams.set("size", figure.dataset.size);
    figure.classList.add("busy");
    const answer = await fetch(url, { method: "POST", body: body(), signal, credentials: "same-origin" });
    if (answer.ok) {
      show(figure, await asDataUrl(await answer.blob()), "");
    } else {
      // Only the editor's own plain-text reason is shown; a page (sign-in, an error) is not.
      const plain = (answer.headers.get("Content-Type") || "").startsWith("text/plain");
      show(figure, "", (plain && (await answer.text())) || form.dataset.failed);
    }
  };

  const regionFor = (field) => {
    const lang = field.includes("-") ? field.split("-")[0] : "";
    return document.getElementById(`warnings-${lang || "general"}`);
  };

  const showWarnings = (items) => {
    document.querySelectorAll(".warnings").forEach((region) => region.replaceChildren());
    document.querySelectorAll(".field.warned").forEach((f) => f.classList.remove("warned"));
    for (const { field, text } of items) {
      const region = regionFor(field) || document.getElementById("warnings-general");
      let list = region.querySelector("ul");
      if (!list) {
        list = document.createElement("ul");
        region.append(list);
      }
      const item = document.createElement("li");
      item.dataset.field = field;
      item.textContent = text;
      list.append(item);
      const input = document.getElementById(field);
      if (input && input.closest(".field")) input.closest(".field").classList.add("warned");
    }
  };

  const loadWarnings = async (signal) => {
    const answer = await fetch(form.dataset.warningsUrl, {
      method: "POST",
      body: body(),
      signal,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (answer.ok) showWarnings(await answer.json());
  };

  const hasText = () =>
    Array.from(form.querySelectorAll("fieldset.language input, fieldset.language textarea")).some(
      (input) => input.value.trim() !== "",
    );

  const refresh = () => {
    if (running) running.abort(); // answers to older texts would only flicker
    running = new AbortController();
    const { signal } = running;
    const jobs = [loadWarnings(signal)];
    if (hasText()) jobs.push(...figures.map((figure) => drawPreview(figure, signal)));
    Promise.allSettled(jobs).then((results) => {
      for (const [index, result] of results.entries()) {
        if (result.status === "rejected" && result.reason?.name !== "AbortError" && index > 0) {
          show(figures[index - 1], "", form.dataset.failed);
        }
      }
    });
  };

  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  };

  // A saved version's slide that cannot be drawn: ask again by POST, which says why.
  for (const figure of figures) {
    figure.querySelector("img").addEventListener("error", () => {
      drawPreview(figure, undefined).catch(() => show(figure, "", form.dataset.failed));
    });
  }

  form.addEventListener("input", later);
  form.addEventListener("change", (event) => {
    // Another campaign has other languages: let the server lay out its fields.
    if (event.target.name === "campaign_id") form.querySelector("button.switch")?.click();
  });
  form.querySelector("button.preview-button")?.addEventListener("click", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    refresh();
  });
  // The page arrives without warnings (they take a moment to work out), and after a refused
  // save without previews of the text in the form: fetch what is missing now.
  if (hasText()) {
    const undrawn = figures.some((figure) => !figure.querySelector("img").getAttribute("src"));
    if (undrawn) refresh();
    else loadWarnings(undefined).catch(() => {});
  }
}
