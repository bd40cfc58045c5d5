/* Crux: live-run progress bars that refresh without reloading the page.
   The page renders the progress as it was; this polls GET /api/attempts/{id}/ and updates
   the numbers and bars while the run is going, then reloads once to show the outcome. */
(function () {
  "use strict";
  // The partial may be on the page several times (one per attempt): run once.
  if (window.cruxLiveProgress) return;
  window.cruxLiveProgress = true;
  var POLL_MS = 2000;
  var RUNNING = { running: true, finishing: true };

  function set(root, name, value) {
    var el = root.querySelector('[data-live="' + name + '"]');
    if (el) el.textContent = value;
  }

  function update(root, live) {
    set(root, "status", live.status);
    set(root, "done", live.done);
    set(root, "total", live.total);
    set(root, "percent", live.percent);
    set(root, "tokens", live.tokens);
    set(root, "elapsed", live.elapsed_seconds);
    set(root, "eta", live.eta_seconds === null ? "\u2013" : live.eta_seconds + " s");
    set(root, "shards_done", live.shards_done);
    var bar = root.querySelector('[data-live="bar"]');
    if (bar) {
      bar.max = live.total || 1;
      bar.value = live.done;
    }
    (live.pairs || []).forEach(function (pair) {
      var row = root.querySelector('[data-live-pair="' + pair.model + "|" + pair.condition + '"]');
      if (!row) return;
      var p = row.querySelector("progress");
      if (p) {
        p.max = pair.total || 1;
        p.value = pair.done;
      }
      var done = row.querySelector('[data-pair="done"]');
      if (done) done.textContent = pair.done;
      var tokens = row.querySelector('[data-pair="tokens"]');
      if (tokens) tokens.textContent = pair.tokens;
    });
  }

  function poll(root) {
    fetch(root.getAttribute("data-live-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (attempt) {
        if (!attempt || !attempt.live) return setTimeout(function () { poll(root); }, POLL_MS);
        update(root, attempt.live);
        if (RUNNING[attempt.live.status]) {
          setTimeout(function () { poll(root); }, POLL_MS);
        } else if (!sessionStorage.getItem("crux-live-reloaded-" + attempt.id)) {
          // Once finished, show the verdict and evidence the server now renders.
          sessionStorage.setItem("crux-live-reloaded-" + attempt.id, "1");
          window.location.reload();
        }
      })
      .catch(function () {
        setTimeout(function () { poll(root); }, POLL_MS * 2);
      });
  }

  document.querySelectorAll(".live-progress").forEach(function (root) {
    if (RUNNING[root.getAttribute("data-live-status")]) poll(root);
  });
})();
