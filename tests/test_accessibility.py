"""Accessibility in a real Chromium: axe-core over every built page, light and dark, and a
360 px phone screen.

axe-core (npm, pinned in package-lock.json) is handed to each page after its charts are drawn,
so plotly's SVG is audited too. Each page is visited once per screen (tests/visits.py), and the
other checks of that screen (test_browser.py) are made on the same visit.
"""
from __future__ import annotations

import pytest

import visits as _visits
from visits import AXE, AXE_PAGES, BLOCKING, audit  # noqa: F401 - test_weights and test_teaching_site use them

PAGES = AXE_PAGES
ROOTS = _visits.ROOTS
MODES = {mode: _visits.PROFILES[mode] for mode in _visits.AXE_MODES}


@pytest.mark.parametrize("page_path", [pytest.param(p, marks=_visits.group_mark(p)) for p in PAGES])
@pytest.mark.parametrize("mode", list(MODES))
def test_axe_finds_no_serious_or_critical_violation(visits, mode, page_path):
    found = visits.get(page_path, mode)["axe"]
    if mode == "dark":
        assert found["theme"] == "dark"
    blocking = [v for v in found["violations"] if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(
        f"{v['impact']} {v['id']} ({v['count']}x): {v['help']} e.g. {v['targets']}" for v in blocking)
    if mode == "phone":
        assert found["overflow"] <= 0, f"the page is {found['overflow']}px wider than a 360 px screen"
