// Parts of a page marked data-refresh="URL" are fetched again every few seconds while the
// page is visible: a ticket's conversation shows the teacher's new messages, the queue its
// new tickets, without a reload. Nothing else runs here (the CSP allows this file only).
"use strict";
const REFRESH_SECONDS = 5;

function refresh(element) {
  if (document.hidden) return;
  fetch(element.dataset.refresh, {credentials: "same-origin", headers: {"Accept": "text/html"}})
    .then((response) => (response.ok ? response.text() : null))
    .then((html) => {
      if (html !== null && html !== element.dataset.last) {
        element.dataset.last = html;
        element.innerHTML = html;
      }
    })
    .catch(() => {});  // offline for a moment: the next round tries again
}

document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll("[data-refresh]")) {
    setInterval(() => refresh(element), REFRESH_SECONDS * 1000);
  }
});

// The roster upload: the file goes as the request's body, so the bar can show its progress;
// the server answers with the import's report, shown below the form.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("roster-upload");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = document.getElementById("roster-file").files[0];
    if (!file) return;
    const progress = document.getElementById("roster-progress");
    const result = document.getElementById("roster-result");
    const request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("action"));
    request.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
    request.setRequestHeader("X-Filename", encodeURIComponent(file.name));
    request.upload.addEventListener("progress", (step) => {
      if (step.lengthComputable) progress.value = Math.round((100 * step.loaded) / step.total);
    });
    request.addEventListener("load", () => {
      progress.value = 100;
      result.innerHTML = request.responseText;
      const years = result.querySelector("template#roster-years-new");
      if (years) document.getElementById("roster-years").innerHTML = years.innerHTML;
    });
    progress.hidden = false;
    progress.value = 0;
    request.send(file);
  });
});
