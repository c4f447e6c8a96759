/* The chapter decks: reveal.js with the book's settings. The words of the controls come from the page
   (data-ppp-previous, data-ppp-next on <body>): this script carries none. */
(function () {
  "use strict";
  if (!window.Reveal) { return; }
  var body = document.body;
  window.Reveal.initialize({
    hash: true, width: 1280, height: 720, margin: 0.04, minScale: 0.2, maxScale: 2.0,
    center: false, transition: "none", backgroundTransition: "none",
    controls: true, controlsTutorial: false, progress: true, slideNumber: "c/t",
    help: false, keyboard: true, overview: true, touch: true,
    pdfMaxPagesPerSlide: 1, pdfSeparateFragments: false
  }).then(function () {
    var labels = { "navigate-left": body.dataset.pppPrevious, "navigate-up": body.dataset.pppPrevious,
                   "navigate-right": body.dataset.pppNext, "navigate-down": body.dataset.pppNext };
    Object.keys(labels).forEach(function (name) {
      document.querySelectorAll(".reveal .controls ." + name).forEach(function (button) {
        if (labels[name]) { button.setAttribute("aria-label", labels[name]); }
      });
    });
    document.documentElement.dataset.pppDeck = "ready";
  });
}());
