"""Shared helpers for the browser tests: serve _build/html on loopback, drive Debian's Chromium."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
from ppp_atlas import chromium as _chromium  # noqa: E402
from ppp_atlas import serve as _serve  # noqa: E402

try:  # PPP_CHROMIUM or a known path; see ppp_atlas/chromium.py
    CHROMIUM = _chromium.executable()
except FileNotFoundError:
    CHROMIUM = _chromium.KNOWN[0]
CHROMIUM_ARGS = _chromium.ARGS


def serve(directory: Path = SITE, compress: bool = False) -> _serve.Server:
    """``directory`` on loopback: ``with serve() as base_url:`` (``compress``: gzip, as GitHub Pages;
    ppp_atlas/serve.py, which `make serve` runs)."""
    return _serve.Server(directory, compress=compress)


def pages(site: Path = SITE) -> list[str]:
    """Every content page of the built site, in every edition, as paths relative to its root."""
    skip = {"genindex.html", "search.html"}
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if p.name not in skip and not any(part.startswith("_") for part in p.relative_to(site).parts))


#: What a page of the book says once its scripts have run, their idle-time pass too (ppp-page.js)
PAGE_READY = "() => document.documentElement.dataset.pppTabStops === 'measured'"
#: and a slide deck once reveal.js has laid it out (ppp-slides.js)
DECK_READY = "() => document.documentElement.dataset.pppDeck === 'ready'"


def visit(page, url: str, ready: str = PAGE_READY) -> dict:
    """Load ``url`` and wait until the page says it is ``ready`` (a function the page evaluates);
    return its console errors, failed requests and requests to other hosts (lists that go on
    filling while the page is open)."""
    origin = urlparse(url).netloc
    errors, failed, foreign = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("request", lambda r: foreign.append(r.url) if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != origin else None)
    response = page.goto(url, wait_until="load")
    served = SITE / urlparse(url).path.lstrip("/")
    if served.is_file() and 'http-equiv="refresh"' in served.read_text(encoding="utf-8"):
        page.wait_for_url(lambda now: now != url, wait_until="load")  # a root page that forwards: follow it
    page.wait_for_function(ready)
    status = response.status if response else None
    return {"status": status, "errors": errors, "failed": failed, "foreign": foreign}


def lay_out_everything(page) -> None:
    """Lay out every part of the page at once. On screen the site lays out only the parts near the
    window (content-visibility in ppp.css): a part not laid out cannot widen the page, and a check
    that looks at what is drawn where (axe's colour contrast) would see what is behind it instead.
    Each part is checked as a reader sees it once it is on the screen."""
    page.add_style_tag(content=".bd-article * { content-visibility: visible !important; }")


SHOWN_DRAWING_JS = """(f, ms) => new Promise(done => {
  const shown = () => Array.from(f.querySelectorAll(".ppp-static img")).filter(i => i.getClientRects().length);
  const check = () => shown().every(i => i.complete && i.naturalWidth > 0) ? done(shown().length) : setTimeout(check, 25);
  check(); setTimeout(() => done(-1), ms); })"""


def wait_for_shown_drawing(figure, timeout_ms: int = 5000) -> int:
    """Wait until the drawing a chart (``figure``, a locator) shows as an image has loaded (a large
    drawing is a lazy image, fetched when near the screen). Returns how many images it shows (0
    for an inline drawing), or -1 when they had not loaded in ``timeout_ms``."""
    return figure.evaluate(SHOWN_DRAWING_JS, timeout_ms)


def wait_for_tab_stops(page, timeout_ms: int = 15000) -> None:
    """Wait until ppp-page.js has measured, in idle time, which boxes scroll and made them tab
    stops (a check that runs before would find a scrolling box no keyboard can reach)."""
    page.wait_for_function(PAGE_READY, timeout=timeout_ms)


def page_overflow(page) -> int:
    """How many px the page is wider than its window, every part laid out."""
    lay_out_everything(page)
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def draw_all_charts(page, timeout_ms: int = 20000) -> int:
    """Make every chart on the page interactive, as a reader does (scroll to it and press its
    "Interactive chart" button; charts without a static drawing are drawn when they come near),
    and wait until plotly has drawn it; return how many charts the page has."""
    charts = page.locator("div.ppp-plotly")
    count = charts.count()
    for index in range(count):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        button = open_button(chart)
        if button.count():
            button.click()
        chart.locator(".plot-container .main-svg").first.wait_for(state="attached", timeout=timeout_ms)
    return count


CHARTS_SETTLED_JS = """() => Array.from(document.querySelectorAll("div.ppp-plotly")).every(div => {
  if (!div.querySelector(".plot-container")) return true;  // not drawn (draw_all_charts waits for those it draws)
  const box = div.closest(".ppp-chart-box");
  return div._fullLayout && !div._transitioning && (!box || box.classList.contains("ppp-live"));
})"""


def wait_for_charts_settled(page, timeout_ms: int = 20000) -> None:
    """Wait until every drawn chart is finished: plotly's promise resolved (ppp-charts.js then marks
    its box live, the drawing hidden), the fonts loaded, and two frames painted since."""
    page.wait_for_function(CHARTS_SETTLED_JS, timeout=timeout_ms)
    page.evaluate("() => document.fonts.ready.then(() => new Promise(done => "
                  "requestAnimationFrame(() => requestAnimationFrame(done))))")


def open_button(chart):
    """The "Interactive chart" button of ``chart`` (a locator of its div.ppp-plotly), if it has one."""
    return chart.locator("xpath=ancestor::figure[contains(@class, 'ppp-chart')][1]//button[contains(@class, 'ppp-chart-open')]")


def static_charts(page) -> list[dict]:
    """Every chart's static drawing as the page shows it now: visible SVG (inline, or a map's
    image of its SVG file, whose texts are counted in the file), its size, its box."""
    charts = page.evaluate("""() => Array.from(document.querySelectorAll("figure.ppp-chart")).map(f => {
        const box = f.querySelector(".ppp-chart-box");
        const shown = Array.from(f.querySelectorAll(".ppp-static svg, .ppp-static img")).filter(s => s.getClientRects().length);
        const r = shown.length ? shown[0].getBoundingClientRect() : null;
        const image = shown.length && shown[0].tagName === "IMG" ? shown[0] : null;
        return {id: f.id, shown: shown.length, texts: shown.length && !image ? shown[0].querySelectorAll("text").length : 0,
                src: image ? image.src : null, width: r ? r.width : 0, height: r ? r.height : 0,
                box: box ? box.getBoundingClientRect().height : 0};
    })""")
    for chart in charts:
        if chart["src"]:
            drawing = SITE / urlparse(chart["src"]).path.lstrip("/")
            chart["texts"] = drawing.read_text(encoding="utf-8").count("<text") if drawing.is_file() else 0
    return charts


#: A map's static drawing is an image of an SVG file; for measuring its text the shown images
#: are replaced by their SVG, inline (in the page under test only).
INLINE_DRAWINGS_JS = r"""async () => {
  for (const img of Array.from(document.querySelectorAll(".ppp-static img")).filter(i => i.getClientRects().length)) {
    const text = await (await fetch(img.currentSrc || img.src)).text();
    const svg = document.importNode(new DOMParser().parseFromString(text, "image/svg+xml").documentElement, true);
    svg.removeAttribute("width"); svg.removeAttribute("height");
    svg.style.cssText = "display:block;width:100%;height:100%";
    img.replaceWith(svg);
  }
}"""


# --- chart legibility ---------------------------------------------------------------
# For every chart on a page: the text boxes of its drawn SVG as a reader sees them (the
# interactive plotly chart if drawn, else the static image), checked for text outside the
# chart's box, two texts overlapping, and text drawn smaller than 11 px.
TEXT_PROBLEMS_JS = r"""
(minPx) => {
  const out = [];
  const figures = Array.from(document.querySelectorAll("figure.ppp-chart, div.ppp-plotly"))
    .filter(f => !(f.matches("div.ppp-plotly") && f.closest("figure.ppp-chart")));
  figures.forEach((fig, index) => {
    const name = fig.id || fig.getAttribute("data-ppp-chart") || ("chart-" + index);
    const boxEl = fig.querySelector(".ppp-chart-box") || fig.querySelector("div.ppp-plotly") || fig;
    const svgs = Array.from(boxEl.querySelectorAll("svg")).filter(s => s.getClientRects().length && s.getBoundingClientRect().width > 0);
    if (!svgs.length) { out.push({chart: name, kind: "not drawn", text: ""}); return; }
    const box = boxEl.getBoundingClientRect();
    const texts = [];
    svgs.forEach(svg => svg.querySelectorAll("text").forEach(t => {
      const label = (t.textContent || "").trim();
      if (!label) return;
      const style = getComputedStyle(t);
      if (style.display === "none" || style.visibility === "hidden" || parseFloat(style.opacity) === 0) return;
      let hidden = false;
      for (let p = t.parentElement; p && p !== svg.parentElement; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.display === "none" || s.visibility === "hidden" || parseFloat(s.opacity) === 0) { hidden = true; break; }
      }
      if (hidden || t.closest(".hoverlayer")) return;
      const r = t.getBoundingClientRect();
      if (r.width < 0.5 || r.height < 0.5) return;
      const ctm = t.getScreenCTM();
      const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
      // the text's own box, turned as it is drawn (rotated tick labels are not axis-aligned)
      let corners;
      try {
        const b = t.getBBox();
        corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
          .map(([x, y]) => [ctm.a * x + ctm.c * y + ctm.e, ctm.b * x + ctm.d * y + ctm.f]);
      } catch (e) {
        corners = [[r.left, r.top], [r.right, r.top], [r.right, r.bottom], [r.left, r.bottom]];
      }
      texts.push({label, r, corners, px: parseFloat(style.fontSize) * scale});
    }));
    const tol = 1;
    texts.forEach(t => {
      if (t.corners.some(([x, y]) => x < box.left - tol || x > box.right + tol || y < box.top - tol || y > box.bottom + tol))
        out.push({chart: name, kind: "outside", text: t.label});
      if (t.px < minPx - 0.05) out.push({chart: name, kind: "small", text: t.label + " (" + t.px.toFixed(1) + " px)"});
    });
    // separating-axis test on the two turned boxes, shrunk by 1 px so touching is not overlapping
    function depth(a, b) {
      let least = Infinity;
      for (const poly of [a, b]) for (let i = 0; i < 4; i++) {
        const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
        const len = Math.hypot(x2 - x1, y2 - y1) || 1, nx = -(y2 - y1) / len, ny = (x2 - x1) / len;
        const pa = a.map(([x, y]) => x * nx + y * ny), pb = b.map(([x, y]) => x * nx + y * ny);
        least = Math.min(least, Math.min(Math.max(...pa), Math.max(...pb)) - Math.max(Math.min(...pa), Math.min(...pb)));
      }
      return least;
    }
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].r, b = texts[j].r;
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) <= 1.5 || Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) <= 1.5) continue;
      if (depth(texts[i].corners, texts[j].corners) > 1.5)
        out.push({chart: name, kind: "overlap", text: texts[i].label + " | " + texts[j].label});
    }
  });
  return out;
}
"""
WIDTHS = (360, 768, 1280)


def chart_text_problems(page, min_px: float = 11) -> list[dict]:
    """Problems of every chart's drawn text on the page as it is now (see TEXT_PROBLEMS_JS)."""
    page.evaluate(INLINE_DRAWINGS_JS)
    return page.evaluate(TEXT_PROBLEMS_JS, min_px)
