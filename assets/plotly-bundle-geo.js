// The site's plotly.js for pages with a map: the same trace types as plotly-bundle.js plus
// choropleth and scattergeo. Built by `make assets` into _build/vendor/plotly-ppp-geo.min.js.
var Plotly = require("plotly.js/lib/core");
Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/box"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/sunburst"),
  require("plotly.js/lib/treemap"),
  require("plotly.js/lib/choropleth"),
  require("plotly.js/lib/scattergeo"),
]);
window.Plotly = Plotly;
