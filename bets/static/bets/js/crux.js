/* Crux: small progressive enhancements. Every form works without this file. */
(function () {
  "use strict";

  function fmt(v) {
    return String(Math.round(v * 1000) / 1000);
  }

  /* The forecast control: a slider and the number box kept in step, and the
     "Did you mean 50% or 0.5%?" question asked before anything is sent. */
  function enhancePercentForm(form) {
    var box = form.querySelector(".percent-box");
    var slider = form.querySelector("[data-percent-slider]");
    var confirmed = form.querySelector("input[name=confirmed]");
    var question = form.querySelector("#percent-question");
    if (!box || !slider || !confirmed) return;
    // The bounds come from the slider's min and max, which the server sets from its own.
    var low = parseFloat(slider.min), high = parseFloat(slider.max);
    function inBounds(v) { v = Math.round(v * 1e6) / 1e6; return v >= low && v <= high; }
    slider.hidden = false;
    if (box.value !== "") slider.value = box.value.replace("%", "");
    slider.addEventListener("input", function () {
      box.value = fmt(parseFloat(slider.value));
      // A value picked on the slider is unambiguous: it is a percentage.
      confirmed.value = "1";
      if (question) question.hidden = true;
    });
    box.addEventListener("input", function () {
      confirmed.value = "";
      var v = parseFloat(box.value.replace("%", "").replace(",", "."));
      if (isFinite(v) && inBounds(v)) slider.value = v;
    });
    form.addEventListener("submit", function (event) {
      var raw = box.value.trim();
      var v = parseFloat(raw.replace("%", "").replace(",", "."));
      if (confirmed.value === "1" || /%$/.test(raw) || !(v > 0 && v < 1) || !question) return;
      event.preventDefault();
      var options = [v * 100, v].filter(inBounds);
      var buttons = question.querySelectorAll("[data-choice]");
      question.querySelector("[data-question-text]").textContent =
        "Did you mean " + options.map(function (o) { return fmt(o) + "%"; }).join(" or ") + "?";
      for (var i = 0; i < buttons.length; i++) {
        var button = buttons[i];
        if (i < options.length) {
          button.hidden = false;
          button.textContent = fmt(options[i]) + "%";
          button.setAttribute("data-value", fmt(options[i]));
        } else {
          button.hidden = true;
        }
      }
      question.hidden = false;
      buttons[0].focus();
    });
    if (question) {
      question.addEventListener("click", function (event) {
        var value = event.target.getAttribute && event.target.getAttribute("data-value");
        if (!value) return;
        box.value = value;
        slider.value = value;
        confirmed.value = "1";
        question.hidden = true;
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    }
  }

  /* The offer form: say in words what the offer means while it is being typed. */
  function enhanceOfferForm(form) {
    var out = form.querySelector("[data-offer-summary]");
    if (!out) return;
    function update() {
      var side = (form.elements.side.value || "yes").toUpperCase();
      var p = parseFloat(form.elements.price.value);
      var stake = parseInt(form.elements.max_stake.value, 10);
      if (!(p > 0 && p < 100) || !(stake > 0)) { out.textContent = ""; return; }
      var win = Math.floor(stake * (100 - p) / p);
      var other = side === "YES" ? "NO" : "YES";
      out.textContent = "You back " + side + " at " + fmt(p) + "%: you stake up to " + stake +
        " to win up to " + win + ". A taker backs " + other + " at " + fmt(100 - p) +
        "%: they stake up to " + win + " to win up to " + stake + ".";
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  /* Taking an offer: say exactly what the typed stake stakes and wins, with the server's
     arithmetic (the offerer's stake is stake * num / den rounded half to even, and a bet
     is matched only within a point of the offer's price), before anything is sent. */
  function enhanceAcceptForm(form) {
    var out = form.querySelector("[data-take-preview]");
    var parts = (form.getAttribute("data-ratio") || "").split("/");
    if (!out || parts.length !== 2) return;
    var num = BigInt(parts[0]), den = BigInt(parts[1]);
    var most = parseInt(form.getAttribute("data-max"), 10);
    var side = form.getAttribute("data-side");
    function win(t) {
      var n = BigInt(t) * num, q = n / den, twice = 2n * (n - q * den);
      if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
      return Number(q);
    }
    function fair(t) {
      var o = win(t);
      // |o/(o+t) - num/(num+den)| <= 1/100, in integers.
      var diff = BigInt(o) * (num + den) - num * BigInt(o + t);
      if (diff < 0n) diff = -diff;
      return o > 0 && 100n * diff <= (num + den) * BigInt(o + t);
    }
    function update() {
      var raw = form.elements.stake.value.trim();
      var t = /^[0-9]{1,12}$/.test(raw) ? parseInt(raw, 10) : NaN;
      if (!(t >= 1 && t <= most)) { out.textContent = ""; return; }
      if (fair(t)) {
        out.textContent = "You stake " + t + " on " + side + " to win " + win(t) + ".";
        return;
      }
      var near = [];
      for (var d = t - 1; d >= 1 && d > t - 2000; d--) if (fair(d)) { near.push(d); break; }
      for (var u = t + 1; u <= most && u < t + 2000; u++) if (fair(u)) { near.push(u); break; }
      out.textContent = "Whole credits cannot match " + t + " at this price" +
        (near.length ? ": stake " + near.join(" or ") + " instead." : ".");
    }
    form.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var takes = document.querySelectorAll("form[data-accept-form]");
    for (var k = 0; k < takes.length; k++) enhanceAcceptForm(takes[k]);
    var forms = document.querySelectorAll("form[data-percent-form]");
    for (var i = 0; i < forms.length; i++) enhancePercentForm(forms[i]);
    var offers = document.querySelectorAll("form[data-offer-form]");
    for (var j = 0; j < offers.length; j++) enhanceOfferForm(offers[j]);
  });
})();
