// plotly.js's core without the components the book's charts never use: a copy of the component
// list of plotly.js/src/core.js (version 4.1.1) with annotations3d, images, updatemenus, sliders,
// rangeslider, rangeselector, grid and errorbars left out (about 90 KB of script less; selections
// stay, the cartesian drag code requires them). plotly.js offers partial bundles by trace type only,
// not by component (plotly/plotly.js#5371), so this file rebuilds its core: the one place the site
// reaches into plotly.js's internals. tests/test_plotly_bundles.py fails when the installed
// plotly.js is not 4.1.1 or its core.js registers another list, and checks that no figure uses a
// component left out.
"use strict";
var Registry = require("plotly.js/src/registry");
var plotApi = require("plotly.js/src/plot_api");
require("plotly.js/build/plotcss");

var Plotly = { version: require("plotly.js/src/version").version, register: Registry.register };
Object.keys(plotApi).forEach(function (name) {
  if (name.charAt(0) !== "_") { Plotly[name] = plotApi[name]; }
  Registry.register({ moduleType: "apiMethod", name: name, fn: plotApi[name] });
});
Registry.register(require("plotly.js/src/traces/scatter"));
Registry.register([
  require("plotly.js/src/components/annotations"),
  require("plotly.js/src/components/selections"),
  require("plotly.js/src/components/shapes"),
  require("plotly.js/src/components/colorscale"),
  require("plotly.js/src/components/colorbar"),
  require("plotly.js/src/components/legend"),
  require("plotly.js/src/components/fx"),
  require("plotly.js/src/components/modebar"),
]);
Registry.register([require("plotly.js/src/locale-en"), require("plotly.js/src/locale-en-us")]);
module.exports = Plotly;
