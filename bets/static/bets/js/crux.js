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
      if (isFinite(v) && v >= 0.1 && v <= 99.9) slider.value = v;
    });
    form.addEventListener("submit", function (event) {
      var raw = box.value.trim();
      var v = parseFloat(raw.replace("%", "").replace(",", "."));
      if (confirmed.value === "1" || /%$/.test(raw) || !(v > 0 && v < 1) || !question) return;
      event.preventDefault();
      var options = [v * 100, v].filter(function (o) {
        return Math.round(o * 1e6) / 1e6 >= 0.1 && Math.round(o * 1e6) / 1e6 <= 99.9;
      });
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

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-percent-form]");
    for (var i = 0; i < forms.length; i++) enhancePercentForm(forms[i]);
    var offers = document.querySelectorAll("form[data-offer-form]");
    for (var j = 0; j < offers.length; j++) enhanceOfferForm(offers[j]);
  });
})();
