// The site's plotly.js: core (scatter) plus only the trace types the book's charts use.
// Maps (choropleth, scattergeo) are in plotly-bundle-geo.js, loaded only on pages with a map.
// Built by `make assets` with esbuild into _build/vendor/plotly-ppp.min.js.
var Plotly = require("plotly.js/lib/core");
Plotly.register(require("./plotly-traces.js"));
Plotly.register(require("./plotly-locales.js"));  // the editions' words (config.locale)
window.Plotly = Plotly;
