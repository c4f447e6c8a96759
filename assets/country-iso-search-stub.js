// Stands in for plotly.js's country-name lookup (country-iso-search 0.1.x, about 20 KB of the map
// bundle compressed): the book's maps give countries by ISO-3 code (locationmode "ISO-3"), never by
// name, so the lookup is never asked. esbuild puts this module in its place for the map bundle
// (Makefile, --alias); tests/test_plotly_bundles.py checks that every map uses ISO-3 codes.
"use strict";
module.exports = {
  COUNTRIES: [],
  createLookup: function () {
    return { lookupAlpha3: function () { return null; } };
  },
};
