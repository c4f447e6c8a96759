/* The book's charts: a static drawing first, the interactive chart when a reader uses it.

   The build puts each chart in the page as an SVG drawing of itself (text as text), so it
   shows at once, prints, and works without scripts. The interactive plotly chart replaces
   the drawing only when the reader starts to use that chart: the pointer enters it, a finger
   touches it, or the keyboard focuses it. Not on scrolling near: the drawing already shows
   everything a reader scrolling through sees, and plotly.js is by far the heaviest file of
   the site, so readers who only read never download it. The box keeps its height, so the
   swap moves nothing. plotly.js comes from the site's own files (the map bundle only on
   pages with a map), no CDN, no inline code.

   A chart without a drawing (a notebook's own output) is drawn when it comes near the screen. */
(function () {
  "use strict";
  var plots = Array.prototype.slice.call(document.querySelectorAll("div.ppp-plotly"));
  if (!plots.length) { return; }
  var me = document.currentScript || document.querySelector('script[src*="ppp-charts.js"]');
  var staticRoot = me.src.replace(/ppp-charts\.js(\?.*)?$/, "");
  var bundle = document.querySelector("div.ppp-plotly[data-ppp-geo]") ? "plotly-ppp-geo.min.js" : "plotly-ppp.min.js";
  var NARROW = 560;  /* px of chart box below which the narrow drawing is used (charts.BREAKPOINT) */
  var waiting = [];
  var loading = false;

  function ink() { return document.documentElement.dataset.theme === "dark" ? "#e6e6e6" : "#222222"; }
  function figuresFor(div, done) {
    var inline = document.querySelector('script.ppp-chart-json[data-for="' + div.id + '"]');
    if (inline) { done(JSON.parse(inline.textContent)); return; }
    var src = div.getAttribute("data-src");
    if (!src) { return; }
    var request = new XMLHttpRequest();
    request.open("GET", src);
    request.onload = function () { if (request.status === 200) { done(JSON.parse(request.responseText)); } };
    request.send();
  }
  function draw(div) {
    figuresFor(div, function (figures) {
      var box = div.closest(".ppp-chart-box");
      var narrow = box && box.clientWidth < NARROW;
      var fig = figures.wide ? (narrow ? figures.narrow : figures.wide) : figures;
      var layout = Object.assign({}, fig.layout || {});
      layout.font = Object.assign({}, layout.font || {}, { color: ink() });
      if (box) { layout.height = box.clientHeight; layout.autosize = true; delete layout.width; }
      var config = Object.assign({}, fig.config || {}, { topojsonURL: staticRoot + "vendor/" });
      window.Plotly.newPlot(div, fig.data, layout, config).then(function () {
        if (box) { box.classList.add("ppp-live"); }
      });
    });
  }
  function recolour() {
    plots.forEach(function (div) {
      if (div.layout) { window.Plotly.relayout(div, { "font.color": ink() }); }
    });
  }
  function loadPlotly() {
    loading = true;
    var script = document.createElement("script");
    script.src = staticRoot + "vendor/" + bundle;
    script.onload = function () {
      waiting.splice(0).forEach(draw);
      new MutationObserver(recolour).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    };
    document.head.appendChild(script);
  }
  function request(div) {
    if (div.dataset.pppRequested) { return; }
    div.dataset.pppRequested = "1";
    if (window.Plotly) { draw(div); return; }
    waiting.push(div);
    if (!loading) { loadPlotly(); }
  }
  var near = [];
  plots.forEach(function (div) {
    var box = div.closest(".ppp-chart-box");
    if (box && box.classList.contains("ppp-has-static")) {
      var use = function () { request(div); };
      ["pointerenter", "touchstart", "focusin"].forEach(function (type) {
        box.addEventListener(type, use, { once: true, passive: true });
      });
    } else {
      near.push(div);
    }
  });
  if (!near.length) { return; }
  if (!("IntersectionObserver" in window)) { near.forEach(request); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); request(entry.target); }
    });
  }, { rootMargin: "300px 0px" });
  near.forEach(function (div) { observer.observe(div); });
})();
