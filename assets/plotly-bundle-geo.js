// The site's plotly.js for pages with a map: the same trace types as plotly-bundle.js plus
// choropleth and scattergeo. Built by `make assets` into _build/vendor/plotly-ppp-geo.min.js.
var Plotly = require("plotly.js/lib/core");
Plotly.register(require("./plotly-traces.js").concat([
  require("plotly.js/lib/choropleth"),
  require("plotly.js/lib/scattergeo"),
]));
Plotly.register(require("./plotly-locales.js"));  // the editions' words (config.locale)
window.Plotly = Plotly;
