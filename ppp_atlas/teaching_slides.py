"""Slides per chapter: a reveal.js deck written from the chapter's own resolved text.

:mod:`ppp_atlas.sphinx_teaching` collects, from each chapter's doctree in the edition being built,
its title, learning objectives, summary, discussion questions, the paragraphs the question bank
names under ``slides: provisions`` and the charts under ``slides: charts``; this module writes the
deck, ``_slides/<chapter>.html``, with the chart drawings the site already made
(``_static/charts/<name>.svg``). Nothing is typed twice: a changed chapter changes its deck.

The deck is keyboard-driven (reveal.js: arrows and space, ``F`` full screen, ``Esc`` overview), sized
for a 16:9 projector (1280 × 720, text at 28 px or more), and prints one slide a page
(``?print-pdf``; :mod:`ppp_atlas.teaching_pdf` makes the PDF). Its words come from the
``teaching`` catalog; its one script (``_static/ppp-slides.js``) carries no words (the labels of the
controls reach it in ``data-`` attributes of the page).
"""
from __future__ import annotations

import html
from pathlib import Path

from . import config, editions, teaching

E = html.escape


_words = teaching.words


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _density(texts: list[str]) -> str:
    length = sum(len(t) for t in texts)
    return " ppp-dense" if length > 520 else (" ppp-roomy" if length < 260 else "")


def _list_slide(title: str, items: list[str], part: int, parts: int, intro: str = "") -> str:
    heading = title if parts == 1 else f"{title} ({part}/{parts})"
    lis = "".join(f"<li>{E(i)}</li>" for i in items)
    lead = f'<p class="ppp-lead">{E(intro)}</p>' if intro else ""
    return (f'<section class="ppp-list{_density(items + [intro])}"><h2>{E(heading)}</h2>{lead}'
            f"<ul>{lis}</ul></section>")


def _list_slides(title: str, items: list[str], size: int, intro: str = "") -> list[str]:
    """A list spread over as many slides as it needs, ``size`` items a slide (the intro on the first)."""
    parts = _chunks(items, size)
    return [_list_slide(title, chunk, i, len(parts), intro if i == 1 else "") for i, chunk in enumerate(parts, start=1)]


def _relative(lang: str, to_lang: str, name: str) -> str:
    depth = (config.site_prefix(lang) + f"_slides/{name}").count("/")
    return "../" * depth + config.site_prefix(to_lang) + f"_slides/{name}.html"


def deck_html(chapter: str, lang: str, state: dict, book_url: str, book_title: str) -> str:
    """One chapter's deck in one edition."""
    word = _words(lang)
    slides = []
    # 1. title
    switch = []
    for other in editions.LANGUAGES:
        tag = editions.BCP47[other]
        if other == lang:
            switch.append(f'<li><span aria-current="page" lang="{tag}">{E(editions.ENDONYMS[other])}</span></li>')
        else:
            switch.append(f'<li><a href="{E(_relative(lang, other, chapter))}" hreflang="{tag}" lang="{tag}" '
                          f'rel="alternate">{E(editions.ENDONYMS[other])}</a></li>')
    chapter_href = f"../book/{chapter}.html"
    slides.append(
        f'<section class="ppp-title-slide"><p class="ppp-deck-book">{E(book_title)}</p>'
        f"<h1>{E(state['title'])}</h1>"
        f'<p class="ppp-deck-sub">{E(word("deck_subtitle"))}</p>'
        f'<nav class="ppp-languages" aria-label="{E(word("deck_languages"))}"><ul>{"".join(switch)}</ul></nav>'
        f'<p class="ppp-deck-keys">{E(word("deck_keys"))}</p>'
        f'<p class="ppp-deck-licence">{E(word("deck_licence"))}</p></section>')
    # 2. learning objectives, 3. key points (the summary)
    slides += _list_slides(state["objectives_title"] or word("deck_objectives"), state["objectives"], 4,
                           state["objectives_intro"])
    slides += _list_slides(word("deck_key_points"), state["summary"], 2)
    # 4. charts, as the site's drawings
    for chart in state["charts"]:
        alt = f"{chart['title']}. {chart['alt']}"
        slides.append(
            f'<section class="ppp-chart-slide"><h2>{E(chart["title"])}</h2>'
            f'<figure><img src="../_static/charts/{E(chart["name"])}.svg" alt="{E(alt)}">'
            f'<figcaption>{E(chart["caption"])}</figcaption></figure></section>')
    # 5. quoted paragraphs
    for provision in state["provisions"]:
        href = f"{chapter_href}#{provision['anchor']}"
        slides.append(
            f'<section class="ppp-quote{_density([provision["text"]])}">'
            f'<h2>{E(word("deck_provision", section=provision["section"]))}</h2>'
            f'<blockquote><p>{E(provision["text"])}</p></blockquote>'
            f'<p class="ppp-quote-source"><a href="{E(href)}">{E(state["title"])}</a></p></section>')
    # 6. discussion questions
    slides += _list_slides(state["discussion_title"] or word("deck_discussion"), state["discussion"], 3)
    # 7. where to read on
    slides.append(
        f'<section class="ppp-close"><h2>{E(word("deck_close"))}</h2><p>{E(word("deck_close_text"))}</p>'
        f'<p><a href="{E(chapter_href)}">{E(word("deck_chapter_link"))}: {E(state["title"])}</a></p>'
        f'<p class="ppp-deck-licence">{E(word("deck_licence"))}</p></section>')
    page_url = f"{book_url}{config.site_prefix(lang)}_slides/{chapter}.html"
    links = [f'<link rel="canonical" href="{E(page_url)}">']
    for other in editions.LANGUAGES:
        links.append(f'<link rel="alternate" hreflang="{editions.BCP47[other]}" '
                     f'href="{E(book_url + config.site_prefix(other))}_slides/{E(chapter)}.html">')
    links.append(f'<link rel="alternate" hreflang="x-default" href="{E(book_url)}_slides/{E(chapter)}.html">')
    title = f"{state['title']} — {word('slides_html')}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{E(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{E(title)}</title>\n" + "\n".join(links) + "\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="../_static/reveal/reveal.css">\n'
        '<link rel="stylesheet" href="../_static/reveal/theme/simple.css">\n'
        '<link rel="stylesheet" href="../_static/ppp-slides.css">\n'
        '<script src="../_static/reveal/reveal.js" defer></script>\n'
        '<script src="../_static/ppp-slides.js" defer></script>\n'
        "</head>\n"
        f'<body data-ppp-previous="{E(word("deck_previous"))}" data-ppp-next="{E(word("deck_next"))}">\n'
        f'<main class="reveal" aria-label="{E(title)}"><div class="slides">\n'
        + "\n".join(slides) +
        "\n</div></main>\n</body>\n</html>\n")


def write_decks(folder: Path, lang: str, states: dict[str, dict], book_url: str, book_title: str) -> list[Path]:
    """Every chapter's deck of one edition, each page given its Content-Security-Policy."""
    from . import postprocess

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter in teaching.chapters():
        page = postprocess.process_page(deck_html(chapter, lang, states[chapter], book_url, book_title))
        path = folder / f"{chapter}.html"
        if not path.exists() or path.read_text(encoding="utf-8") != page:
            path.write_text(page, encoding="utf-8")
        written.append(path)
    return written


def slide_count(state: dict) -> int:
    """How many slides a chapter's deck holds (the decks' tests and the closing note count them)."""
    count = 2  # title and closing slide
    count += len(_chunks(state["objectives"], 4)) + len(_chunks(state["summary"], 2))
    count += len(state["charts"]) + len(state["provisions"]) + len(_chunks(state["discussion"], 3))
    return count
