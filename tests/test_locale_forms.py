"""How each edition writes what the English writes in its own way: figure references with Uzbek case
suffixes, dates in English prose, Binder's launch address (issue 24, items 10 and 12)."""
from __future__ import annotations

import re

import pytest


# --- item 10: the re-weighting table writes numbers as its edition does ------------------------

DECIMAL = {"": ".", "uz/": ",", "ru/": ","}


@pytest.mark.parametrize("edition", list(DECIMAL))
def test_the_reweighting_table_uses_the_editions_decimal_sign_after_a_slider_moves(chromium, base_url, edition):
    tab = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        tab.goto(f"{base_url}/{edition}notebooks/design-matrix.html", wait_until="load")
        tab.wait_for_selector(".ppp-weights-row input[type=range]", state="attached")
        before = tab.eval_on_selector_all(".ppp-weights-table tbody .ppp-weights-index", "cells => cells.map(c => c.textContent)")
        # a reader drags the first control to its top
        tab.evaluate("""() => { const input = document.querySelector('.ppp-weights-row input[type=range]');
            input.value = input.max; input.dispatchEvent(new Event('input', {bubbles: true})); }""")
        tab.wait_for_function("""before => [...document.querySelectorAll('.ppp-weights-table tbody .ppp-weights-index')]
            .map(c => c.textContent).join('|') !== before.join('|')""", arg=before)
        after = tab.eval_on_selector_all(".ppp-weights-table tbody .ppp-weights-index", "cells => cells.map(c => c.textContent)")
        bars = tab.eval_on_selector_all(".ppp-weights-bar-value", "cells => cells.map(c => c.textContent)")
    finally:
        tab.close()
    numbers = [t for t in after + bars if re.fullmatch(r"\d+\D\d", t)]
    assert len(numbers) >= 10, after
    wrong = "," if DECIMAL[edition] == "." else "."
    assert all(DECIMAL[edition] in t and wrong not in t for t in numbers), (edition, numbers)
