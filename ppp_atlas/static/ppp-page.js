/* Page behaviour without inline code (the Content-Security-Policy allows none):
   - copy buttons of the "Cite this page" box;
   - the theme's full-screen and print buttons, whose onclick attributes the
     build replaces with data-ppp-action (see ppp_atlas/postprocess.py);
   - boxes that scroll sideways (wide tables, notebook outputs) take keyboard focus,
     so they can be scrolled without a mouse. */
(function () {
  "use strict";
  var actions = {
    "fullscreen": function () { window.toggleFullScreen(); },
    "print": function () { window.print(); }
  };

  function copy(button) {
    var target = document.getElementById(button.dataset.copyTarget);
    var text = target ? target.dataset.copy : "";
    var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = button.dataset.label; }, 1500); };
    button.dataset.label = button.dataset.label || button.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); done(); } finally { area.remove(); }
    }
  }

  var SCROLLERS = ".ppp-data-table, .ppp-dictionary, .bd-article div.output";
  function tabStops() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) { box.tabIndex = 0; } else { box.removeAttribute("tabindex"); }
    });
  }
  tabStops();
  window.addEventListener("resize", tabStops);
  document.addEventListener("toggle", tabStops, true);  // a <details> with a data table opened

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.ppp-copy");
    if (button) { copy(button); return; }
    var action = event.target.closest("[data-ppp-action]");
    if (action && actions[action.dataset.pppAction]) { actions[action.dataset.pppAction](); }
  });
})();
