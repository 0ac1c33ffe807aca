// rolefit job pages: live batch progress. Without this file the page says to refresh it.
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box || box.getAttribute("data-status") === "completed") { return; }
  var url = box.getAttribute("data-url");
  var bar = document.getElementById("batch-progress");
  var state = document.getElementById("batch-state");
  var done = document.getElementById("batch-done");
  var hint = document.getElementById("batch-refresh");
  if (hint) { hint.textContent = "Updating as the resumes are scored…"; }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) {
        bar.max = p.total; bar.value = p.done + p.failed;
        bar.textContent = Math.round(p.progress * 100) + " %";
        state.textContent = p.status; done.textContent = p.done;
        if (p.status === "completed") {
          // the ranking below now holds the new candidates: show it (same URL, full page)
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        if (hint) { hint.textContent = "Progress could not be read: refresh the page."; }
      });
  }
  window.setTimeout(poll, 500);
})();
