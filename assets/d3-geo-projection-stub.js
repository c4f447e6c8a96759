// Stands in for d3-geo-projection 2.9 (its extra map projections: about 20 KB of the map bundle
// compressed). plotly.js 4.1.1 looks a projection up in d3-geo, then in d3-geo-projection
// (plotly.js/src/plots/geo/geo.js, getProjection), and names "natural earth" geoNaturalEarth, which
// d3-geo-projection gives as an alias of d3-geo's geoNaturalEarth1: the one projection the book's
// maps use. esbuild puts this module in its place for the map bundle (Makefile, --alias);
// tests/test_plotly_bundles.py checks that every map's projection is in d3-geo or here.
"use strict";
var geo = require("d3-geo");

module.exports = { geoNaturalEarth: geo.geoNaturalEarth1 };
