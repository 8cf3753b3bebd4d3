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
