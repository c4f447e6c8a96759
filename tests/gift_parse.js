// Parse GIFT files with gift-pegjs (npm, pinned in package-lock.json), an independent reader of the
// format, and print what it read as JSON: {"<file>": [question, ...]}. Used by tests/test_teaching_exports.py.
"use strict";
const fs = require("fs");
const path = require("path");
const { parse } = require(path.join(__dirname, "..", "node_modules", "gift-pegjs", "lib", "gift-parser.js"));
const out = {};
for (const file of process.argv.slice(2)) {
  out[file] = parse(fs.readFileSync(file, "utf8"));
}
process.stdout.write(JSON.stringify(out));
