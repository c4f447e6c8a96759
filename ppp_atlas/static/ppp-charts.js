/* Draw the book's charts with the site's own plotly.js: no CDN, no inline code.
   Each chart is a <div class="ppp-plotly" id="ppp-chart-..."> followed by a
   <script type="application/json" data-for="..."> holding its figure. plotly.js
   is loaded once, only on pages that have a chart. */
(function () {
  "use strict";
  var charts = document.querySelectorAll("div.ppp-plotly");
  if (!charts.length) { return; }
  var me = document.currentScript || document.querySelector('script[src*="ppp-charts.js"]');
  var staticRoot = me.src.replace(/ppp-charts\.js(\?.*)?$/, "");

  function dark() { return document.documentElement.dataset.theme === "dark"; }
  function themed(layout) {
    var ink = dark() ? "#e6e6e6" : "#222222";
    layout.font = Object.assign({}, layout.font || {}, { color: ink });
    return layout;
  }
  function figureFor(div) {
    var node = document.querySelector('script.ppp-chart-json[data-for="' + div.id + '"]');
    return node ? JSON.parse(node.textContent) : null;
  }
  function drawAll() {
    charts.forEach(function (div) {
      var fig = figureFor(div);
      if (!fig) { return; }
      var config = Object.assign({}, fig.config || {}, { topojsonURL: staticRoot + "vendor/" });
      window.Plotly.newPlot(div, fig.data, themed(fig.layout || {}), config);
    });
  }
  function restyleAll() {
    charts.forEach(function (div) {
      if (div.layout) { window.Plotly.relayout(div, { "font.color": dark() ? "#e6e6e6" : "#222222" }); }
    });
  }
  var script = document.createElement("script");
  script.src = staticRoot + "vendor/plotly-ppp.min.js";
  script.onload = function () {
    drawAll();
    new MutationObserver(restyleAll).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  };
  document.head.appendChild(script);
})();
