// The site's plotly.js for pages without a map: the core (scatter) plus the trace types their
// charts use. Built by `make assets` with esbuild into _build/vendor/plotly-ppp.min.js.
// tests/test_plotly_bundles.py checks that every chart's trace types are in the bundle its page loads.
var Plotly = require("./plotly-core.js");
Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/box"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/sunburst"),
  require("plotly.js/lib/treemap"),
]);
Plotly.register(require("./plotly-locales.js"));  // the editions' words (config.locale)
window.Plotly = Plotly;
