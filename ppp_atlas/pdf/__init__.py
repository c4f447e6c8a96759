"""Print and PDF editions: the whole book and each page of ``_toc.yml``, in every edition.

Built by ``python -m ppp_atlas.build`` (``make book``) after the three editions are assembled in
``_build/html.new`` and before it replaces ``_build/html``, so a failed PDF step leaves the last
good site; ``python -m ppp_atlas.pdf`` (``make pdf``) builds them later into ``_build/html``.

1. Every page is printed by Chromium (Debian's, see :mod:`ppp_atlas.chromium`) through Playwright
   from the site served on loopback: light theme, the site's print stylesheet (``ppp-print.css``:
   no sidebars or buttons, code cells hidden, no figure split across pages, link addresses shown),
   every chart drawn first (``window.pppPrepareForPrint`` in ``ppp-page.js``, the function the
   print button calls), links into the site rewritten to the published address, the chapter's
   title page put before its content (one print for both); ``tagged=True`` and ``outline=True``.
   Several pages print at once in one browser, which then prints the front matter.
2. Each printed page is cached in ``_build/pdf-cache/`` under a digest of its HTML and of everything
   that shapes the print (stylesheets, scripts, this module): an unchanged page is not printed again.
3. :func:`assemble` joins the parts with pikepdf (qpdf): a title page (title, edition, version and
   date from ``CITATION.cff``, licence, how to cite) and, for the book, a table of contents with page
   numbers; continuous page numbers and the running header (book and chapter title) and footer (the
   chapter's short citation and URL), stamped from printed sheets (Chromium's own header and footer
   cost a tenth of the printing, and could not leave out the title page); bookmarks for every
   part, chapter and section (titles from the page, destinations from Chromium's outline); the tagged
   structure of every part merged into one (the book leaves out the chapters' title pages and
   their structure); links within a page kept (named destinations); document title and language
   set; object streams; byte for byte the same from the same parts (no timestamps, the /ID a digest
   of the content). In the book, the contents' entries and every link to a page of the book (a
   glossary term, a citation, a cross-reference) lead inside it (:func:`internal_links`): each place
   another page links to is given a named destination when its page is printed (``PREPARE``).
4. Once the PDFs exist, every link to one on the site says its size (:func:`write_sizes`, CLDR units). Each printed page is parsed once, for its chapter and for the book, and the
   three editions are assembled side by side, one process each.

Output, per edition (``<edition>/`` is empty for English, ``uz/``, ``ru/``):
``<edition>/pdf/ppp-atlas-<lang>.pdf`` (the book) and ``<edition>/pdf/<docname>.pdf`` (each page).

The package, one job a module (each imports only those listed after it):

* :mod:`~ppp_atlas.pdf.step` — the step itself: print every edition, assemble it while the next
  one prints, copy what the cache holds; ``make pdf`` (``python -m ppp_atlas.pdf``).
* :mod:`~ppp_atlas.pdf.printing` — printing the pages (step 1) and the cache of prints (step 2).
* :mod:`~ppp_atlas.pdf.assembly` — joining the parts (step 3): stamping sheets, bookmarks, links
  into the book, metadata.
* :mod:`~ppp_atlas.pdf.tabs` — the printing browser and its pool of tabs.
* :mod:`~ppp_atlas.pdf.front` — title pages, contents and the sheets, as HTML, and their words.
* :mod:`~ppp_atlas.pdf.structure` — tagged-PDF structure surgery on each printed part.
* :mod:`~ppp_atlas.pdf.outline` — Chromium's outline read back (each heading's page and height).
* :mod:`~ppp_atlas.pdf.links` — the places pages link to, and the size every PDF link says (step 4).
* :mod:`~ppp_atlas.pdf.loopback` — a folder served on loopback (the printing, ``make serve``, the
  browser tests).

The names below are those the build, the tests and the benchmarks use.
"""
from ..sphinx_pdf import PDF_DIR, WORDS, book_file, chapter_file, words_for
from .assembly import assemble
from .front import GOTO, book_title
from .links import page_for_digest, size_text, write_sizes
from .loopback import LoopbackServer, QuietHandler
from .printing import CACHE, shapers_digest
from .step import available, build, main, report
from .structure import number_structure_ids
from .tabs import MARGIN

__all__ = ["CACHE", "GOTO", "MARGIN", "PDF_DIR", "WORDS", "LoopbackServer", "QuietHandler", "assemble", "available",
           "book_file", "book_title", "build", "chapter_file", "main", "number_structure_ids", "page_for_digest",
           "report", "shapers_digest", "size_text", "words_for", "write_sizes"]
