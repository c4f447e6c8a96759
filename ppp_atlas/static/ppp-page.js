/* Page behaviour without inline code (the Content-Security-Policy allows none):
   - copy buttons of the "Cite this page" box;
   - the theme's full-screen and print buttons, whose onclick attributes the
     build replaces with data-ppp-action (see ppp_atlas/postprocess.py); the print
     button first draws every chart (charts are otherwise drawn only near the screen)
     and prints in the light theme, as the book's PDFs do (ppp_atlas/pdf.py calls the
     same window.pppPrepareForPrint);
   - boxes that scroll sideways (wide tables, notebook outputs) take keyboard focus,
     so they can be scrolled without a mouse. */
(function () {
  "use strict";
  // --- printing: every chart drawn, light theme, URLs of links shown ---------------
  function chartReady(div) {
    var figure = div.closest("figure") || div.parentNode;
    return Boolean(div.querySelector(".main-svg") || (figure && figure.querySelector("svg, img")));
  }
  function plotlyLoaded() {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    return new Promise(function (resolve, reject) {
      var script = document.querySelector('script[src*="vendor/plotly-ppp.min.js"]');
      if (!script) {
        var me = document.querySelector('script[src*="ppp-page.js"]');
        script = document.createElement("script");
        script.src = me.src.replace(/ppp-page\.js(\?.*)?$/, "") + "vendor/plotly-ppp.min.js";
        document.head.appendChild(script);
      }
      script.addEventListener("load", function () { resolve(window.Plotly); });
      script.addEventListener("error", reject);
      if (window.Plotly) { resolve(window.Plotly); }
    });
  }
  function drawForPrint(div) {
    var node = document.querySelector('script.ppp-chart-json[data-for="' + div.id + '"]');
    if (!node) { return Promise.resolve(); }
    var fig = JSON.parse(node.textContent);
    var layout = fig.layout || {};
    layout.font = Object.assign({}, layout.font || {}, { color: "#222222" });
    var root = document.querySelector('script[src*="ppp-page.js"]').src.replace(/ppp-page\.js(\?.*)?$/, "");
    var config = Object.assign({}, fig.config || {}, { topojsonURL: root + "vendor/" });
    return window.Plotly.newPlot(div, fig.data, layout, config);
  }
  /* A map's drawing is an image loaded when near the screen: load the light one of every map
     now, since print shows them all (a failed image still prints its box, and the chart's caption). */
  function loadDrawings() {
    return Promise.all(Array.prototype.map.call(document.querySelectorAll(".ppp-static img.ppp-ink-light"), function (img) {
      img.loading = "eager";
      return img.complete ? Promise.resolve() : new Promise(function (resolve) {
        img.addEventListener("load", resolve, { once: true });
        img.addEventListener("error", resolve, { once: true });
      });
    }));
  }
  /* Draw every chart not yet drawn (a static drawing in the figure counts as drawn). */
  function drawAllCharts() {
    var pending = Array.prototype.filter.call(document.querySelectorAll("div.ppp-plotly"),
                                              function (div) { return !chartReady(div); });
    if (!pending.length) { return loadDrawings().then(function () { return 0; }); }
    return loadDrawings().then(plotlyLoaded).then(function () { return Promise.all(pending.map(drawForPrint)); })
                         .then(function () { return pending.length; });
  }
  /* Printed text loses a link's target: show the address after links that leave the book. */
  function markLinks() {
    document.querySelectorAll(".bd-article a[href^='http']").forEach(function (a) {
      var text = a.textContent.replace(/\s+/g, "");
      var bare = a.href.replace(/^https?:\/\//, "").replace(/\/$/, "");
      if (text.indexOf(bare) !== -1 || a.closest(".ppp-cite-box, .ppp-languages, .ppp-pdf-links")) {
        a.classList.add("ppp-url-in-text");
      }
    });
  }
  var savedTheme = null;
  function lightForPrint() {
    var html = document.documentElement;
    if (html.dataset.theme && html.dataset.theme !== "light") {
      savedTheme = html.dataset.theme;
      html.dataset.theme = "light";
    }
  }
  window.addEventListener("beforeprint", function () { markLinks(); lightForPrint(); });
  window.addEventListener("afterprint", function () {
    if (savedTheme) { document.documentElement.dataset.theme = savedTheme; savedTheme = null; }
  });
  /* Everything a printed page needs; resolves with the number of charts drawn now. */
  window.pppPrepareForPrint = function () {
    markLinks();
    lightForPrint();
    return drawAllCharts();
  };

  var actions = {
    "fullscreen": function () { window.toggleFullScreen(); },
    "print": function () {
      window.pppPrepareForPrint().then(function () { window.print(); }, function () { window.print(); });
    }
  };

  function copy(button) {
    var target = document.getElementById(button.dataset.copyTarget);
    var text = target ? target.dataset.copy : "";
    var done = function () { button.textContent = button.dataset.copied || button.dataset.label; setTimeout(function () { button.textContent = button.dataset.label; }, 1500); };
    button.dataset.label = button.dataset.label || button.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); done(); } finally { area.remove(); }
    }
  }

  // A wide table, code block or output scrolls in its own box, and a box that scrolls is a tab
  // stop. Telling which ones scroll means laying them out: that is done in idle time, a few boxes
  // at a time, so that a long page's first seconds are not one long task (parts of the page off
  // the screen are not laid out until they come near it: content-visibility in ppp.css). The
  // theme's boxes are here too: its own pass, all at once on load, is taken out of its script
  // (postprocess.defer_theme_tab_stops).
  var SCROLLERS = "pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, " +
                  ".pst-scrollable-table-container, .ppp-data-table, .ppp-dictionary, .bd-article div.output";
  var unmeasured = [];
  var later = window.requestIdleCallback
    ? function (work) { window.requestIdleCallback(work, { timeout: 3000 }); }
    : function (work) { setTimeout(function () { work({ timeRemaining: function () { return 8; } }); }, 50); };
  function measure(deadline) {
    do {
      var box = unmeasured.shift();
      if (!box) { break; }
      if (box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight) { box.tabIndex = 0; }
      else { box.removeAttribute("tabindex"); }
    } while (unmeasured.length && deadline.timeRemaining() > 4);
    if (unmeasured.length) { later(measure); }
    else { document.documentElement.dataset.pppTabStops = "measured"; }  // what a test waits for
  }
  function tabStops() {
    if (window.matchMedia("print").matches) { return; }  // the book's PDFs: nothing to tab to
    var waiting = unmeasured.length;
    unmeasured = Array.prototype.slice.call(document.querySelectorAll(SCROLLERS));
    document.documentElement.dataset.pppTabStops = "pending";
    if (!waiting) { later(measure); }
  }
  tabStops();
  // the book's fonts change the width of text: measure again once they are in (a pass still
  // waiting for idle time only takes the fresh list)
  if (document.fonts) { document.fonts.ready.then(tabStops); }
  window.addEventListener("resize", tabStops);
  document.addEventListener("toggle", tabStops, true);  // a <details> with a data table opened

  /* The language switch keeps the reader's place: the other edition's page has the same section
     ids, so the link is given the id of the section being read (the last one whose heading is
     above the middle of the window), or the page's own hash, when it is followed. */
  function readingPosition() {
    var sections = document.querySelectorAll(".bd-article section[id]");
    var middle = window.innerHeight / 2, current = null;
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].getBoundingClientRect().top > middle) { break; }
      current = sections[i];
    }
    if (current && current === sections[0] && window.scrollY < 10) { return ""; }
    return current ? "#" + current.id : window.location.hash;
  }
  function keepPlace(link) {
    link.href = link.href.split("#")[0] + readingPosition();
  }
  ["auxclick", "contextmenu"].forEach(function (kind) {  // opened in a new tab, or its address copied
    document.addEventListener(kind, function (event) {
      var language = event.target.closest(".ppp-languages a[hreflang]");
      if (language) { keepPlace(language); }
    });
  });

  // Arriving at a section (#id: the language switch, a link to a section): the parts of the page
  // above it are laid out only once near the screen (content-visibility in ppp.css) and may grow
  // when they are, pushing the section down out of sight. Until the reader scrolls, taps or
  // presses a key, each such change brings the section back to the top of the window.
  (function keepSectionInView() {
    var id = window.location.hash ? decodeURIComponent(window.location.hash.slice(1)) : "";
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var reading = false;
    ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (kind) {
      window.addEventListener(kind, function () { reading = true; }, { once: true, passive: true, capture: true });
    });
    function settle() {
      if (reading) { return; }
      var top = target.getBoundingClientRect().top;
      if (top < -2 || top > window.innerHeight / 3) { target.scrollIntoView(); }
    }
    // fired at each part whose laying out starts or stops; it does not bubble, so it is caught
    // on its way down
    document.addEventListener("contentvisibilityautostatechange", function () {
      window.requestAnimationFrame(settle);
    }, true);
    window.addEventListener("load", function () { window.requestAnimationFrame(settle); });
  })();

  document.addEventListener("click", function (event) {
    var language = event.target.closest(".ppp-languages a[hreflang]");
    if (language) { keepPlace(language); return; }
    // a section chosen in a drawer (the page's contents on a phone): close the drawer, so the
    // reader lands on the section and not on the drawer still covering it
    var entry = event.target.closest("dialog[open] a[href^='#']");
    if (entry) { entry.closest("dialog").close(); return; }
    var button = event.target.closest("button.ppp-copy");
    if (button) { copy(button); return; }
    var action = event.target.closest("[data-ppp-action]");
    if (action && actions[action.dataset.pppAction]) { actions[action.dataset.pppAction](); }
  });
})();
