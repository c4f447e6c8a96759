/* Draw the book's charts with the site's own plotly.js: no CDN, no inline code.
   Each chart is a <div class="ppp-plotly" id="ppp-chart-..."> followed by a
   <script type="application/json" data-for="..."> holding its figure. plotly.js
   (the heaviest file of the site) is fetched only when a chart comes near the
   screen, once per page, and each chart is drawn when it is about to be seen,
   so reading the text never waits for it. */
(function () {
  "use strict";
  var charts = Array.prototype.slice.call(document.querySelectorAll("div.ppp-plotly"));
  if (!charts.length) { return; }
  var me = document.currentScript || document.querySelector('script[src*="ppp-charts.js"]');
  var staticRoot = me.src.replace(/ppp-charts\.js(\?.*)?$/, "");
  var waiting = [];
  var loading = false;

  function ink() { return document.documentElement.dataset.theme === "dark" ? "#e6e6e6" : "#222222"; }
  function figureFor(div) {
    var node = document.querySelector('script.ppp-chart-json[data-for="' + div.id + '"]');
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw(div) {
    var fig = figureFor(div);
    if (!fig) { return; }
    var layout = fig.layout || {};
    layout.font = Object.assign({}, layout.font || {}, { color: ink() });
    var config = Object.assign({}, fig.config || {}, { topojsonURL: staticRoot + "vendor/" });
    window.Plotly.newPlot(div, fig.data, layout, config);
  }
  function recolour() {
    charts.forEach(function (div) {
      if (div.layout) { window.Plotly.relayout(div, { "font.color": ink() }); }
    });
  }
  function loadPlotly() {
    loading = true;
    var script = document.createElement("script");
    script.src = staticRoot + "vendor/plotly-ppp.min.js";
    script.onload = function () {
      waiting.splice(0).forEach(draw);
      new MutationObserver(recolour).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    };
    document.head.appendChild(script);
  }
  function request(div) {
    if (window.Plotly) { draw(div); return; }
    waiting.push(div);
    if (!loading) { loadPlotly(); }
  }
  if (!("IntersectionObserver" in window)) { charts.forEach(request); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); request(entry.target); }
    });
  }, { rootMargin: "300px 0px" });
  charts.forEach(function (div) { observer.observe(div); });
})();
