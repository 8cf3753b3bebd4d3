/* Comptoir back office: two small enhancements; every page works without them.
   - form[data-autosubmit]: submitted by itself (next batch of a long job).
   - [data-confirm] on a submit button: asks before a destructive action. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var auto = document.querySelector("form[data-autosubmit]");
    if (auto) {
      window.setTimeout(function () {
        if (auto.requestSubmit) { auto.requestSubmit(); } else { auto.submit(); }
      }, 400);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();

/* form[data-counter]: the basket total while quantities are typed (the
   "Calculer le total" button gives the same figure from the server). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-counter]");
    var total = document.querySelector("[data-live-total]");
    var empty = document.querySelector("[data-live-empty]");
    var pay = document.querySelector("[data-live-pay]");
    if (!form) { return; }
    var money = new Intl.NumberFormat(document.documentElement.lang || "fr", {
      style: "currency", currency: "EUR"
    });
    function update() {
      var cents = 0;
      form.querySelectorAll("[data-price]").forEach(function (product) {
        var input = product.querySelector("input");
        var quantity = parseInt(input && input.value, 10) || 0;
        var price = Math.round(parseFloat(product.getAttribute("data-price")) * 100);
        if (quantity > 0 && price >= 0) { cents += quantity * price; }
      });
      if (total) {
        total.hidden = cents === 0;
        total.textContent = money.format(cents / 100);
      }
      if (empty) { empty.hidden = cents !== 0; }
      if (pay) { pay.textContent = cents ? money.format(cents / 100) : ""; }
      showChange(cents);
    }
    // The change for the cash received, when cash pays the whole basket.
    var change = document.querySelector("[data-live-change]");
    function showChange(cents) {
      if (!change) { return; }
      var method = form.querySelector("input[name=method]:checked");
      var cash = form.querySelector("input[name=cash_received]");
      var received = cash ? Math.round(parseFloat(
        (cash.value || "").replace(/\s/g, "").replace(",", ".")) * 100) : NaN;
      var show = method && method.value === "cash" && cents > 0 &&
        received >= cents;
      change.hidden = !show;
      change.textContent = show ? change.getAttribute("data-label") + " : " +
        money.format((received - cents) / 100) : "";
    }
    form.addEventListener("input", update);
    update();
  });
})();

/* .table-wrap that scrolls sideways (a phone): reachable with the keyboard
   and named after its section, so the hidden columns can be scrolled to. */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        var section = wrap.closest("section, .panel");
        var heading = section && section.querySelector("h2, h1");
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute(
          "aria-label", heading ? heading.textContent.trim() : document.title
        );
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
