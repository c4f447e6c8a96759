// The trace types every page's plotly.js carries (both bundles require this one list).
module.exports = [
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/box"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/sunburst"),
  require("plotly.js/lib/treemap"),
];
