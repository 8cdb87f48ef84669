// "Copy" buttons beside read-only fields (the kiosk link, the token): they appear only where
// the browser lets a page write to the clipboard; the field can always be selected by hand.
const status = document.querySelector(".copy-status");

for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard || !window.isSecureContext) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = `${field.labels[0]?.textContent ?? ""}: ${button.dataset.done}`;
    } catch {
      field.select();
    }
  });
}
for (const field of document.querySelectorAll(".copy input[readonly]")) {
  field.addEventListener("focus", () => field.select());
}
