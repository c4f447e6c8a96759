/* The reader's own weighting of the design matrix ({weights-form}, ppp_atlas/weights.py).
   The build writes the codes, element labels, presets and every fixed string as inert JSON
   beside an equal-weight table; this script adds one control per element, recomputes the
   index exactly as ppp_atlas.matrix.weighted_index does (weighted mean of the KNOWN codes,
   unknown codes dropping out of numerator and denominator, rescaled so that the top code on
   every element is 100; no index when no known code has a positive weight), redraws the table
   and a bar chart, announces the new ranking, and keeps the weights in the URL
   (?weights=element:2,...). No inline code, no strings of its own, no other host. */
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function setUp(box) {
    var source = box.querySelector("script.ppp-weights-json");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var words = data.words;
    var elements = data.elements;
    var people = data.jurisdictions;
    var lang = document.documentElement.lang || "en";
    var intl;
    try {
      intl = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    } catch (e) {
      intl = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    }
    /* the edition's signs (CLDR, as the build writes the table): a browser's own data may lack them */
    var signs = data.number_symbols || {};
    var format = { format: function (value) {
      return intl.formatToParts(value).map(function (part) {
        if (part.type === "decimal" && signs.decimal) { return signs.decimal; }
        if (part.type === "group" && signs.group) { return signs.group; }
        return part.value;
      }).join("");
    } };
    var defaults = elements.map(function () { return data.default_weight; });

    /* ---- the rule: ppp_atlas.matrix.weighted_index ---- */
    function indices(weights) {
      return people.map(function (j) {
        var total = 0, weight = 0;
        j.codes.forEach(function (code, k) {
          if (code === null || code === undefined) { return; }
          total += code * weights[k];
          weight += weights[k];
        });
        return weight > 0 ? total / (data.top * weight) * 100 : null;
      });
    }
    function tenth(value) { return value === null ? null : Math.round(value * 10) / 10; }
    function ranks(values) {  // 1 = highest one-decimal index; ties share the better rank
      var shown = values.map(tenth);
      return shown.map(function (v) {
        if (v === null) { return null; }
        return 1 + shown.filter(function (o) { return o !== null && o > v; }).length;
      });
    }
    var equalRanks = ranks(indices(defaults));

    /* ---- the controls ---- */
    var form = box.querySelector("form.ppp-weights-controls");
    var fieldset = make("fieldset");
    fieldset.appendChild(make("legend", {}, words.legend));
    var inputs = elements.map(function (element) {
      var id = "ppp-weight-" + element.id;
      var row = make("div", { "class": "ppp-weights-row" });
      var input = make("input", { type: "range", id: id, name: element.id, min: "0", max: String(data.max_weight),
                                  step: "1", value: String(data.default_weight) });
      var shown = make("output", { "for": id, "aria-hidden": "true" }, String(data.default_weight));
      row.appendChild(make("label", { "for": id }, element.label));
      row.appendChild(input);
      row.appendChild(shown);
      fieldset.appendChild(row);
      input.addEventListener("input", function () { shown.textContent = input.value; update(true); });
      input.pppOutput = shown;
      return input;
    });
    form.appendChild(fieldset);

    var buttons = make("div", { "class": "ppp-weights-buttons", role: "group", "aria-label": words.presets });
    var presetButtons = data.presets.map(function (preset) {
      var button = make("button", { type: "button", "class": "ppp-weights-preset", "data-preset": preset.id,
                                    "aria-pressed": "false" }, preset.label);
      button.addEventListener("click", function () { set(preset.weights); update(true); });
      buttons.appendChild(button);
      return { button: button, weights: preset.weights };
    });
    var reset = make("button", { type: "button", "class": "ppp-weights-reset" }, words.reset);
    reset.addEventListener("click", function () { set(defaults); update(true); });
    buttons.appendChild(reset);
    form.appendChild(buttons);
    var link = make("a", { "class": "ppp-weights-link", href: location.pathname + location.search }, words.link);
    form.appendChild(make("p", {})).appendChild(link);
    var zero = make("p", { "class": "ppp-weights-zero", hidden: "" }, words.all_zero);
    form.appendChild(zero);
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    /* ---- table, chart, live region ---- */
    var caption = box.querySelector("table.ppp-weights-table caption");
    var tbody = box.querySelector("table.ppp-weights-table tbody");
    var figure = box.querySelector("figure.ppp-weights-chart");
    var bars = make("div", { "class": "ppp-weights-bars", role: "img" });
    figure.appendChild(bars);
    figure.appendChild(make("figcaption", {}, words.chart_caption));
    var status = box.querySelector(".ppp-weights-status");
    var timer = null;

    function current() { return inputs.map(function (input) { return Number(input.value); }); }
    function set(weights) {
      inputs.forEach(function (input, k) { input.value = String(weights[k]); input.pppOutput.textContent = input.value; });
    }
    function same(a, b) { return a.every(function (v, k) { return v === b[k]; }); }
    function changeText(before, after) {
      if (before === null || after === null) { return "–"; }
      if (after < before) { return fill(words.up, { n: before - after }); }
      if (after > before) { return fill(words.down, { n: after - before }); }
      return words.same;
    }

    function writeUrl(weights) {
      var params = new URLSearchParams(location.search);
      params["delete"]("weights");
      var parts = params.toString() ? [params.toString()] : [];
      if (!same(weights, defaults)) {
        parts.push("weights=" + elements.map(function (e, k) { return e.id + ":" + weights[k]; }).join(","));
      }
      var search = parts.length ? "?" + parts.join("&") : "";
      history.replaceState(history.state, "", location.pathname + search + location.hash);
      link.setAttribute("href", location.pathname + search + "#" + box.id);
    }
    function readUrl() {
      var text = new URLSearchParams(location.search).get("weights");
      if (!text) { return null; }
      var weights = defaults.slice();
      text.split(",").forEach(function (pair) {
        var bits = pair.split(":");
        var k = elements.map(function (e) { return e.id; }).indexOf(bits[0]);
        var n = parseInt(bits[1], 10);
        if (k >= 0 && !isNaN(n)) { weights[k] = Math.max(0, Math.min(data.max_weight, n)); }
      });
      return weights;
    }

    function update(announce) {
      var weights = current();
      var values = indices(weights);
      var order = ranks(values);
      var rows = people.map(function (j, k) { return { j: j, value: values[k], rank: order[k], before: equalRanks[k] }; });
      rows.sort(function (a, b) {
        if (a.rank === null || b.rank === null) { return (a.rank === null) - (b.rank === null); }
        return a.rank - b.rank || a.j.name.localeCompare(b.j.name, lang);
      });
      var allZero = weights.every(function (w) { return w === 0; });
      zero.hidden = !allZero;
      caption.textContent = same(weights, defaults) ? words.caption_equal : words.caption_custom;
      presetButtons.forEach(function (p) { p.button.setAttribute("aria-pressed", String(same(weights, p.weights))); });

      tbody.textContent = "";
      rows.forEach(function (row) {
        var tr = make("tr", { "data-iso3": row.j.iso3 });
        tr.appendChild(make("th", { scope: "row" }, row.j.name));
        tr.appendChild(make("td", { "class": "ppp-weights-index" },
                            row.value === null ? words.no_index : format.format(tenth(row.value))));
        tr.appendChild(make("td", { "class": "ppp-weights-rank" }, row.rank === null ? "–" : String(row.rank)));
        tr.appendChild(make("td", { "class": "ppp-weights-change" }, changeText(row.before, row.rank)));
        tbody.appendChild(tr);
      });

      bars.textContent = "";
      rows.forEach(function (row) {
        var line = make("div", { "class": "ppp-weights-bar-row" + (row.j.iso3 === data.focus ? " ppp-weights-focus" : "") });
        line.appendChild(make("span", { "class": "ppp-weights-bar-name" }, row.j.name));
        var track = make("span", { "class": "ppp-weights-bar-track" });
        var bar = make("span", { "class": "ppp-weights-bar" });
        bar.style.width = (row.value === null ? 0 : tenth(row.value)) + "%";
        track.appendChild(bar);
        line.appendChild(track);
        line.appendChild(make("span", { "class": "ppp-weights-bar-value" },
                              row.value === null ? words.no_index : format.format(tenth(row.value))));
        bars.appendChild(line);
      });
      var ranked = rows.filter(function (row) { return row.value !== null; });
      if (ranked.length) {
        var first = ranked[0], last = ranked[ranked.length - 1];
        bars.setAttribute("aria-label", fill(words.chart_label, {
          first: first.j.name, first_index: format.format(tenth(first.value)),
          last: last.j.name, last_index: format.format(tenth(last.value)) }));
      } else {
        bars.setAttribute("aria-label", words.all_zero);
      }

      writeUrl(weights);
      if (announce) {
        clearTimeout(timer);
        timer = setTimeout(function () {
          status.textContent = allZero ? words.all_zero : fill(words.announce, { list: ranked.map(function (row) {
            return fill(words.announce_item, { rank: row.rank, name: row.j.name, index: format.format(tenth(row.value)) });
          }).join("; ") });
        }, 600);
      }
    }

    var fromUrl = readUrl();
    if (fromUrl) { set(fromUrl); }
    box.querySelector(".ppp-weights-needs-js").hidden = true;
    form.hidden = false;
    figure.hidden = false;
    update(false);
  }

  document.querySelectorAll(".ppp-weights").forEach(setUp);
})();
