/* The book's charts: a static drawing first, the interactive chart when a reader asks for it.

   The build puts each chart in the page as an SVG drawing of itself (text as text), so it
   shows at once, prints, and works without scripts. Under the drawing is a button,
   "Interactive chart" in the edition's language (charts.WORDS["open"]): pressing it (mouse,
   finger, Enter or Space) downloads plotly.js and the chart's figure and draws the
   interactive chart in the drawing's place. Nothing else does: not scrolling, not touching or
   pointing at the drawing. plotly.js is by far the heaviest file of the site, and on a slow
   mobile connection it takes seconds; a reader who only reads never downloads it. The drawing
   stays until the interactive chart is drawn, and the box keeps its height, so nothing moves.
   plotly.js comes from the site's own files (the map bundle only on pages with a map), no CDN,
   no inline code.

   On a narrow box (a phone) the interactive chart has no mode bar (it would cover the legend),
   taps on the legend do not hide series, and a drag scrolls the page rather than zooming.

   A chart without a drawing (a notebook's own output) is drawn when it comes near the screen. */
(function () {
  "use strict";
  var plots = Array.prototype.slice.call(document.querySelectorAll("div.ppp-plotly"));
  if (!plots.length) { return; }
  var me = document.currentScript || document.querySelector('script[src*="ppp-charts.js"]');
  var staticRoot = me.src.replace(/ppp-charts\.js(\?.*)?$/, "");
  var bundle = document.querySelector("div.ppp-plotly[data-ppp-geo]") ? "plotly-ppp-geo.min.js" : "plotly-ppp.min.js";
  var NARROW = 560;  /* px of chart box below which the narrow drawing is used (charts.BREAKPOINT) */
  var plotly = null;  /* a promise of window.Plotly, once asked for */
  var world = null;   /* a promise of the map's outlines, once asked for */

  function ink() { return document.documentElement.dataset.theme === "dark" ? "#e6e6e6" : "#222222"; }
  function getJSON(url) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open("GET", url);
      request.onload = function () {
        if (request.status === 200) { resolve(JSON.parse(request.responseText)); } else { reject(new Error(url)); }
      };
      request.onerror = reject;
      request.send();
    });
  }
  function figuresFor(div) {
    var inline = document.querySelector('script.ppp-chart-json[data-for="' + div.id + '"]');
    if (inline) { return Promise.resolve(JSON.parse(inline.textContent)); }
    var src = div.getAttribute("data-src");
    return src ? getJSON(src) : Promise.reject(new Error("no figure for " + div.id));
  }
  function loadPlotly() {
    if (plotly) { return plotly; }
    plotly = new Promise(function (resolve, reject) {
      if (window.Plotly) { resolve(window.Plotly); return; }
      var script = document.createElement("script");
      script.src = staticRoot + "vendor/" + bundle;
      script.onload = function () {
        new MutationObserver(recolour).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
        resolve(window.Plotly);
      };
      script.onerror = function (error) { plotly = null; script.remove(); reject(error); };  /* may be asked for again */
      document.head.appendChild(script);
    });
    return plotly;
  }
  /* A map's outlines, fetched alongside plotly.js rather than after it (plotly.js reads them
     from window.PlotlyGeoAssets before it would fetch them itself). */
  function loadWorld() {
    if (!world) {
      world = getJSON(staticRoot + "vendor/world_110m.json").then(function (topojson) {
        window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} };
        window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};
        window.PlotlyGeoAssets.topojson.world_110m = topojson;
      }, function () { /* plotly.js fetches them itself */ });
    }
    return world;
  }
  function live(div) {
    var box = div.closest(".ppp-chart-box");
    if (box) { box.classList.add("ppp-live"); box.removeAttribute("aria-busy"); }
    var figure = div.closest("figure.ppp-chart");
    var button = figure && figure.querySelector("button.ppp-chart-open");
    if (div.dataset.pppHint) { div.title = div.dataset.pppHint; }
    if (button) {
      var hadFocus = document.activeElement === button;
      div.tabIndex = 0;
      button.closest(".ppp-chart-tools").classList.add("ppp-done");
      button.disabled = true;
      if (hadFocus) { div.focus(); }
    }
  }
  function draw(div, figures) {
    var box = div.closest(".ppp-chart-box");
    var narrow = box && box.clientWidth < NARROW;
    var fig = figures.wide ? (narrow ? figures.narrow : figures.wide) : figures;
    var layout = Object.assign({}, fig.layout || {});
    layout.font = Object.assign({}, layout.font || {}, { color: ink() });
    if (box) { layout.height = box.clientHeight; layout.autosize = true; delete layout.width; }
    var config = Object.assign({}, fig.config || {}, { topojsonURL: staticRoot + "vendor/" });
    if (narrow) {
      /* a phone: no mode bar over the legend, a tap on the legend hides nothing, a drag scrolls */
      config.displayModeBar = false;
      layout.legend = Object.assign({}, layout.legend || {}, { itemclick: false, itemdoubleclick: false });
      layout.dragmode = false;
    }
    return window.Plotly.newPlot(div, fig.data, layout, config).then(function () { live(div); });
  }
  function recolour() {
    plots.forEach(function (div) {
      if (div.layout) { window.Plotly.relayout(div, { "font.color": ink() }); }
    });
  }
  /* plotly.js, the chart's figure and (for a map) its outlines are fetched at the same time. */
  function request(div) {
    if (div.dataset.pppRequested) { return Promise.resolve(); }
    div.dataset.pppRequested = "1";
    var parts = [loadPlotly(), figuresFor(div)];
    if (div.hasAttribute("data-ppp-geo")) { parts.push(loadWorld()); }
    return Promise.all(parts).then(function (got) { return draw(div, got[1]); });
  }
  var near = [];
  plots.forEach(function (div) {
    var figure = div.closest("figure.ppp-chart");
    var button = figure && figure.querySelector("button.ppp-chart-open");
    if (button) {
      button.addEventListener("click", function () {
        var box = div.closest(".ppp-chart-box");
        if (box) { box.setAttribute("aria-busy", "true"); }
        button.setAttribute("aria-disabled", "true");
        request(div).catch(function () {  /* offline, say: the drawing stays, the button can be pressed again */
          delete div.dataset.pppRequested;
          if (box) { box.removeAttribute("aria-busy"); }
          button.removeAttribute("aria-disabled");
        });
      });
      button.closest(".ppp-chart-tools").classList.add("ppp-ready");  /* shown only when it works */
    } else {
      near.push(div);
    }
  });
  if (!near.length) { return; }
  var drawNear = function (div) { request(div).catch(function () { delete div.dataset.pppRequested; }); };
  if (!("IntersectionObserver" in window)) { near.forEach(drawNear); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); drawNear(entry.target); }
    });
  }, { rootMargin: "300px 0px" });
  near.forEach(function (div) { observer.observe(div); });
})();
