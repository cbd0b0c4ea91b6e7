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
