// The upload form, improved where JavaScript runs: a file may be dropped on the zone, the upload
// shows its progress, and the answer (the poster, or why it was refused) appears in place with
// the other fields kept. Without it the form posts and the page answers the same.

const form = document.getElementById("upload-form");
if (form && window.FormData && window.XMLHttpRequest) {
  enhance(form);
}

function enhance(form) {
  const zone = document.getElementById("dropzone");
  const input = form.querySelector('input[type="file"]');
  const chosen = document.getElementById("chosen-file");
  const progress = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const summary = document.getElementById("upload-errors");
  const button = form.querySelector('button[type="submit"]');
  document.getElementById("drop-hint").hidden = false;

  const size = (bytes) => {
    const [amount, unit] = bytes < 1048576 ? [bytes / 1024, "KB"] : [bytes / 1048576, "MB"];
    const digits = unit === "KB" ? 0 : 1;
    const shown = amount.toLocaleString(document.documentElement.lang, {
      maximumFractionDigits: digits,
    });
    return `${shown} ${unit}`;
  };
  const showChosen = () => {
    const file = input.files[0];
    chosen.textContent = file ? `${file.name} · ${size(Math.max(file.size, 1024))}` : "";
  };
  input.addEventListener("change", showChosen);

  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  for (const type of ["dragleave", "dragend", "drop"]) {
    zone.addEventListener(type, () => zone.classList.remove("over"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showChosen();
      input.focus();
    }
  });
  // A file dropped beside the zone must not make the browser leave the page to open it.
  for (const type of ["dragover", "drop"]) {
    window.addEventListener(type, (event) => event.preventDefault());
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form, summary);
    status.textContent = "";
    const file = input.files[0];
    if (file && file.size > Number(form.dataset.maxBytes)) {
      refuse(form, summary, form.dataset.tooLarge, { file: [form.dataset.tooLarge] });
      return;
    }
    send(new FormData(form));
  });

  function send(body) {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    xhr.upload.addEventListener("load", () => {
      progress.removeAttribute("value"); // sent: the server checks it now, for an unknown time
      status.textContent = form.dataset.checking;
    });
    xhr.addEventListener("load", () => {
      finish();
      let answer = null;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {
        answer = null;
      }
      if (xhr.status === 201 && answer) {
        succeed(answer);
      } else {
        const detail = (answer && answer.detail) || form.dataset.failed;
        refuse(form, summary, detail, (answer && answer.fields) || {});
      }
    });
    xhr.addEventListener("error", () => {
      finish();
      refuse(form, summary, form.dataset.failed, {});
    });
    progress.value = 0;
    progress.hidden = false;
    button.disabled = true;
    status.textContent = form.dataset.sending;
    xhr.send(body);
  }

  function finish() {
    progress.hidden = true;
    button.disabled = false;
    status.textContent = "";
  }

  function succeed(answer) {
    const box = document.createElement("div");
    box.className = "flash success result";
    const picture = document.createElement("img");
    picture.src = answer.thumb;
    picture.alt = answer.label || "";
    const text = document.createElement("p");
    const link = document.createElement("a");
    link.href = answer.url;
    link.textContent = form.dataset.open;
    text.append(`${answer.message} `, link);
    box.append(picture, text);
    status.replaceChildren(box);
    input.value = ""; // the next upload starts from a new file; the placement fields stay
    showChosen();
    link.focus();
  }
}

function clearErrors(form, summary) {
  summary.replaceChildren();
  for (const note of form.querySelectorAll(".field p.error")) {
    note.remove();
  }
  for (const box of form.querySelectorAll(".field.invalid")) {
    box.classList.remove("invalid");
  }
  for (const control of form.querySelectorAll('[aria-invalid="true"]')) {
    control.removeAttribute("aria-invalid");
  }
}

function refuse(form, summary, detail, fields) {
  const box = document.createElement("div");
  box.className = "flash error";
  box.setAttribute("role", "alert");
  box.tabIndex = -1;
  const text = document.createElement("p");
  text.textContent = detail;
  box.append(text);
  summary.replaceChildren(box);
  for (const [name, messages] of Object.entries(fields)) {
    const control = form.elements[name];
    const element = control && (control.id ? control : control[0]);
    const field = element && element.closest(".field");
    if (!field || !messages.length) continue;
    field.classList.add("invalid");
    const note = document.createElement("p");
    note.className = "error";
    note.id = `${name}-upload-error`;
    note.textContent = messages.join(" ");
    field.append(note);
    if (element.id) {
      element.setAttribute("aria-invalid", "true");
      const described = (element.getAttribute("aria-describedby") || "").split(" ");
      if (!described.includes(note.id)) described.push(note.id);
      element.setAttribute("aria-describedby", described.join(" ").trim());
    }
  }
  box.focus();
}
