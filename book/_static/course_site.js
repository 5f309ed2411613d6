/* A display formula wider than the column scrolls sideways (course.css): a keyboard user
   must be able to scroll it too, so each such formula becomes a tab stop (a region named
   as a wide formula). An inline formula wider than its paragraph (on a phone) gets the
   class course-wide-inline, which makes it scroll the same way instead of widening the
   page. Checked again when the window is resized. */
(function () {
  "use strict";
  function markWideInlineFormulas() {
    document.querySelectorAll('mjx-container:not([display="true"])').forEach(function (box) {
      var block = box.closest("p, li, dd, td, figcaption, div");
      var limit = block ? block.clientWidth : document.documentElement.clientWidth;
      var width = box.classList.contains("course-wide-inline") ? box.scrollWidth
        : box.getBoundingClientRect().width;
      box.classList.toggle("course-wide-inline", width > limit + 1);
    });
  }
  function markScrollingFormulas() {
    markWideInlineFormulas();
    document.querySelectorAll('mjx-container[display="true"], mjx-container.course-wide-inline').forEach(function (box) {
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
