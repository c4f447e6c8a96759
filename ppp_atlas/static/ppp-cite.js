/* Copy buttons of the "Cite this page" box. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.ppp-copy");
    if (!button) { return; }
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
  });
})();
