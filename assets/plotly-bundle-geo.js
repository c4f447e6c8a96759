// The site's plotly.js for pages with a map: the core (scatter), the map trace types and only
// the other trace types that pages with a map use (a page loads one bundle or the other).
// Built by `make assets` with esbuild into _build/vendor/plotly-ppp-geo.min.js.
// tests/test_plotly_bundles.py checks that every chart's trace types are in the bundle its page loads.
var Plotly = require("./plotly-core.js");
Plotly.register([
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/choropleth"),
  require("plotly.js/lib/scattergeo"),
]);
Plotly.register(require("./plotly-locales.js"));  // the editions' words (config.locale)
window.Plotly = Plotly;
