/* Crux spec builder: writes the resolver spec field from a form, and follows edits of the
   field back into the form. The preview (runs found, verdict now) comes from the server,
   debounced. Without this file the spec field is plain JSON, as before. */
(function () {
  "use strict";

  var root = document.getElementById("spec-builder");
  var area = document.getElementById("id_resolver_spec");
  if (!root || !area) return;
  root.hidden = false;

  var CRITERIA = {
    threshold: ["model", "condition", "metric", "direction", "bar"],
    gap: ["model", "a", "b", "metric", "min_gap"],
    widening_gap: ["models", "a", "b", "metric", "min_increase"],
    ordering: ["models", "order", "metric", "min_gap"],
    at_least_k: ["models", "k", "condition", "metric", "at_least"],
    best_model: ["models", "condition", "metric", "at_least"]
  };
  var NUMBERS = ["bar", "min_gap", "min_increase", "at_least", "k"];
  var runs = [];
  var timer = null;
  var filling = false;

  function b(name) { return root.querySelector("[data-b='" + name + "']"); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function unique(list) {
    return list.filter(function (x, i) { return x !== null && x !== undefined && list.indexOf(x) === i; });
  }
  function models() { return unique(runs.map(function (r) { return r.model; })); }
  function metrics() {
    var out = [];
    runs.forEach(function (r) { (r.metrics || []).forEach(function (m) { out.push(m.split("/").pop()); }); });
    return unique(out);
  }
  function conditionNames() {
    return Array.prototype.map.call(b("conditions").querySelectorAll("[data-c=name]"),
      function (i) { return i.value.trim(); }).filter(Boolean);
  }
  function datalist(id, values) {
    var list = document.getElementById(id) || root.appendChild(el("datalist", {id: id}));
    list.textContent = "";
    values.forEach(function (v) { list.appendChild(el("option", {value: v})); });
    return id;
  }

  /* --- conditions: a name and what tells it apart (a solver plan or a task) --- */
  function plans() {
    return unique(runs.map(function (r) { return r.solvers ? JSON.stringify(r.solvers) : null; }));
  }
  function addCondition(name, definition) {
    var row = el("div", {"class": "spec-condition"});
    var nameInput = el("input", {"data-c": "name", size: "8", "aria-label": "condition name"});
    nameInput.value = name || "";
    var pick = el("select", {"data-c": "what", "aria-label": "what the runs record"});
    var kind = b("source-kind").value;
    var options = kind === "lm_eval" ? unique(runs.map(function (r) { return r.task; }))
      : kind === "csv" ? unique(runs.map(function (r) { return r.condition; })) : plans();
    options.forEach(function (o) {
      var label = kind === "inspect_logs" ? "solvers " + JSON.parse(o).join(" → ") : o;
      pick.appendChild(el("option", {value: o}, label));
    });
    if (definition) {
      var want = definition.solvers ? JSON.stringify(definition.solvers)
        : definition.task || (typeof definition === "string" ? definition : "");
      if (want && options.indexOf(want) < 0) pick.appendChild(el("option", {value: want}, want));
      pick.value = want;
    }
    var epochs = el("input", {"data-c": "epochs", type: "number", min: "1", size: "3",
                              placeholder: "epochs", "aria-label": "epochs"});
    if (definition && definition.epochs) epochs.value = definition.epochs;
    var remove = el("button", {type: "button", "class": "secondary"}, "Remove");
    remove.addEventListener("click", function () { row.remove(); changed(); });
    [nameInput, pick, epochs].forEach(function (n) { n.addEventListener("input", changed); n.addEventListener("change", changed); });
    row.append(nameInput, pick, epochs, remove);
    b("conditions").appendChild(row);
  }
  function conditionsSpec() {
    var out = {};
    var kind = b("source-kind").value;
    b("conditions").querySelectorAll(".spec-condition").forEach(function (row) {
      var name = row.querySelector("[data-c=name]").value.trim();
      var what = row.querySelector("[data-c=what]").value;
      if (!name || !what) return;
      if (kind === "lm_eval") out[name] = {task: what};
      else if (kind === "csv") out[name] = what;
      else {
        out[name] = {solvers: JSON.parse(what)};
        var epochs = parseInt(row.querySelector("[data-c=epochs]").value, 10);
        if (epochs > 0) out[name].epochs = epochs;
      }
    });
    return out;
  }

  /* --- criterion fields, per kind --- */
  function field(name, value) {
    var label = el("label", {}, name.replace("_", " ") + " ");
    var input;
    if (name === "models") {
      input = el("span", {"data-f": "models", "class": "spec-models"});
      var chosen = value || [];
      unique(models().concat(chosen)).forEach(function (m) {
        var box = el("input", {type: "checkbox", value: m, "aria-label": m});
        box.checked = chosen.indexOf(m) >= 0;
        box.addEventListener("change", changed);
        var l = el("label", {}, " " + m);
        l.prepend(box);
        input.appendChild(l);
      });
    } else if (name === "direction") {
      input = el("select", {"data-f": "direction"});
      input.append(el("option", {value: "at_least"}, "at least"), el("option", {value: "at_most"}, "at most"));
      if (value) input.value = value;
    } else {
      input = el("input", {"data-f": name, size: name === "order" ? "20" : "14"});
      if (NUMBERS.indexOf(name) >= 0) { input.type = "number"; input.step = "any"; }
      if (name === "model") input.setAttribute("list", datalist("spec-models-list", models()));
      if (name === "metric") input.setAttribute("list", datalist("spec-metrics-list", metrics()));
      if (["condition", "a", "b"].indexOf(name) >= 0) input.setAttribute("list", datalist("spec-conditions-list", conditionNames()));
      if (name === "order") input.placeholder = "tools, cot, snap";
      if (value !== undefined && value !== null) input.value = Array.isArray(value) ? value.join(", ") : value;
    }
    input.addEventListener("input", changed);
    input.addEventListener("change", changed);
    label.appendChild(input);
    return label;
  }
  function renderFields(criterion) {
    var box = b("crit-fields");
    box.textContent = "";
    var c = criterion || {};
    CRITERIA[b("crit-kind").value].forEach(function (name) {
      var value = c[name];
      if (name === "direction") value = "at_most" in c ? "at_most" : "at_least";
      if (name === "bar") value = "at_most" in c ? c.at_most : c.at_least;
      box.appendChild(field(name, value));
    });
  }
  function criterionSpec() {
    var kind = b("crit-kind").value;
    var c = {kind: kind};
    CRITERIA[kind].forEach(function (name) {
      var input = b("crit-fields").querySelector("[data-f='" + name + "']");
      if (!input) return;
      if (name === "models") {
        c.models = Array.prototype.filter.call(input.querySelectorAll("input"), function (x) { return x.checked; })
          .map(function (x) { return x.value; });
        return;
      }
      var v = input.value.trim();
      if (v === "" || name === "direction") return;
      if (name === "bar") { c[b("crit-fields").querySelector("[data-f=direction]").value] = parseFloat(v); return; }
      if (name === "order") { c.order = v.split(",").map(function (x) { return x.trim(); }).filter(Boolean); return; }
      c[name] = NUMBERS.indexOf(name) >= 0 ? (name === "k" ? parseInt(v, 10) : parseFloat(v)) : v;
    });
    var confidence = parseFloat(b("confidence").value);
    if (confidence > 0 && confidence < 1) c.confidence = confidence;
    if (b("decide-on").value) c.decide_on = b("decide-on").value;
    return c;
  }

  /* --- the spec: built from the form, and read back into it --- */
  function build() {
    var kind = b("source-kind").value;
    if (!kind) return null;
    var location = {};
    location[b("loc-kind").value] = b("loc-value").value.trim();
    var source = {kind: kind, location: location};
    if (b("task").value.trim()) source.task = b("task").value.trim();
    if (kind === "inspect_logs" && b("reducer").value.trim()) source.reducer = b("reducer").value.trim();
    if (kind === "http_json") source.path = b("path").value.trim();
    if (kind === "csv") {
      source.columns = {model: b("col-model").value.trim(), value: b("col-value").value.trim()};
      if (b("col-condition").value.trim()) source.columns.condition = b("col-condition").value.trim();
    }
    var conditions = conditionsSpec();
    if (Object.keys(conditions).length && kind !== "http_json") source.conditions = conditions;
    return {source: source, criterion: criterionSpec()};
  }
  function showOnly() {
    var kind = b("source-kind").value;
    root.querySelectorAll("[data-only]").forEach(function (node) { node.hidden = node.getAttribute("data-only") !== kind; });
  }
  function changed() {
    if (filling) return;
    showOnly();
    var spec = build();
    area.value = spec ? JSON.stringify(spec, null, 2) : "";
    schedulePreview();
  }
  function fill(spec) {
    filling = true;
    try {
      var s = spec.source || {};
      b("source-kind").value = s.kind || "";
      var loc = Array.isArray(s.location) ? s.location[0] : (s.location || {});
      var locKind = Object.keys(loc)[0] || "data";
      b("loc-kind").value = locKind;
      b("loc-value").value = loc[locKind] || "";
      b("task").value = s.task || "";
      b("reducer").value = s.reducer || "";
      b("path").value = s.path || "";
      if (s.columns) {
        b("col-model").value = s.columns.model || "";
        b("col-value").value = s.columns.value || "";
        b("col-condition").value = s.columns.condition || "";
      }
      b("conditions").textContent = "";
      Object.keys(s.conditions || {}).forEach(function (name) { addCondition(name, s.conditions[name]); });
      var c = spec.criterion || {};
      if (CRITERIA[c.kind]) b("crit-kind").value = c.kind;
      b("confidence").value = c.confidence || "";
      b("decide-on").value = c.decide_on || "";
      renderFields(c);
      showOnly();
    } finally {
      filling = false;
    }
  }

  /* --- the preview --- */
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  }
  function renderRuns(found) {
    var box = root.querySelector(".spec-runs");
    box.textContent = "";
    if (!found.length) { box.appendChild(el("p", {"class": "meta"}, "No runs found yet.")); return; }
    var table = el("table", {"class": "spec-runs-table"});
    var head = el("tr");
    ["Model", "Task", "Solver plan", "Epochs", "Metrics", "File"].forEach(function (h) { head.appendChild(el("th", {scope: "col"}, h)); });
    table.appendChild(head);
    found.forEach(function (r) {
      var row = el("tr");
      [r.model, r.task || "", (r.solvers || []).join(" → ") || r.condition || "", r.epochs || "",
       (r.metrics || []).join(", "), (r.file || "") + (r.usable ? "" : " (" + r.problems.join("; ") + ")")]
        .forEach(function (v) { row.appendChild(el("td", {}, String(v))); });
      table.appendChild(row);
    });
    box.appendChild(table);
  }
  function preview() {
    var spec;
    try { spec = JSON.parse(area.value || "null"); } catch (e) { return; }
    var verdict = root.querySelector(".spec-verdict");
    if (!spec) { verdict.textContent = ""; return; }
    var body = {spec: spec};
    if (root.dataset.claim) body.claim = parseInt(root.dataset.claim, 10);
    fetch(root.dataset.previewUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body)
    }).then(function (r) { return r.json(); }).then(function (data) {
      var before = runs.length;
      runs = data.runs || [];
      renderRuns(runs);
      if (runs.length !== before && !filling) {
        // New runs: offer their models, metrics and plans in the fields.
        var current = spec;
        fill(current);
      }
      if (data.verdict) {
        var word = {yes: "YES", no: "NO", inconclusive: "undecided"}[data.verdict] || data.verdict;
        verdict.textContent = "Would resolve as " + word + " today: " + data.reason;
      } else if (data.errors && data.errors.length) {
        verdict.textContent = "Not complete yet: " + data.errors.join("; ");
      } else {
        verdict.textContent = data.error || (data.detail ? String(data.detail) : "");
      }
      verdict.setAttribute("data-verdict", data.verdict || "");
    }).catch(function () { verdict.textContent = "The preview is unavailable."; });
  }

  ["source-kind", "loc-kind", "loc-value", "task", "reducer", "path", "col-model", "col-value",
   "col-condition", "confidence", "decide-on"].forEach(function (name) {
    b(name).addEventListener("input", changed);
    b(name).addEventListener("change", changed);
  });
  b("crit-kind").addEventListener("change", function () { renderFields(build() ? build().criterion : {}); changed(); });
  b("add-condition").addEventListener("click", function () { addCondition("", null); changed(); });
  area.addEventListener("input", function () {
    try {
      var spec = JSON.parse(area.value);
      if (spec && typeof spec === "object") { fill(spec); schedulePreview(); }
    } catch (e) { /* half-typed JSON: wait for more */ }
  });

  var initial = null;
  try { initial = JSON.parse(area.value || "null"); } catch (e) { initial = null; }
  if (initial && typeof initial === "object") { fill(initial); schedulePreview(); }
  else { renderFields({}); showOnly(); }
})();
