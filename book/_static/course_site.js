/* A display formula wider than the column scrolls sideways (course.css): a keyboard user
   must be able to scroll it too, so each such formula becomes a tab stop (a region named
   as a wide formula). Checked again when the window is resized. */
(function () {
  "use strict";
  function markScrollingFormulas() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Wide formula, scrolls sideways");
      } else if (box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  window.addEventListener("load", function () {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(markScrollingFormulas);
    }
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollingFormulas, 250);
    });
  });
})();
