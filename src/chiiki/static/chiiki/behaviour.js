/* Small behaviours of every page, in place of inline event handlers (the CSP allows no
   inline script):
   - <select data-submit-on-change> submits its form when it changes;
   - <button data-print> prints the page;
   - data-width="41" / data-rate="0.35" set a bar's width in px / a heat cell's --rate
     (through the CSSOM, which the CSP's style-src does not restrict, unlike style="…"). */
(function () {
  "use strict";

  function apply(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = (parseFloat(el.dataset.width) || 0) + "px";
    });
    root.querySelectorAll("[data-rate]").forEach(function (el) {
      el.style.setProperty("--rate", String(parseFloat(el.dataset.rate) || 0));
    });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-submit-on-change") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (el) {
      window.print();
    }
  });
  document.addEventListener("DOMContentLoaded", function () { apply(document); });
  // HTMX swaps in partials (the results heat table): style what came in.
  document.addEventListener("htmx:load", function (event) {
    apply(event.target instanceof Element ? event.target : document);
  });
})();
