"""The printing browser: one Chromium for the whole PDF step, started when the first thing is to
be printed, with a few tabs (a pool) that print one document after another, the site served on
loopback (:mod:`ppp_atlas.pdf.loopback`). A tab goes to whoever asked first at the lowest
priority, so an edition's front matter is printed before the next edition's pages."""
from __future__ import annotations

import asyncio
import contextlib
import heapq
from pathlib import Path

from .loopback import LoopbackServer

A4_CONTENT_PX = 673  # 210 mm less 2 x 16 mm margins, at 96 px per inch
MARGIN = {"top": "17mm", "bottom": "21mm", "left": "16mm", "right": "16mm"}


class TabPool:
    """One Chromium for the whole PDF step (pages, title pages, contents, sheets), started when the
    first thing is to be printed, with a few tabs printing one document after another: opening a
    tab costs about as much as loading a page in it, and a tab keeps the site's parsed styles and
    scripts."""

    def __init__(self, site_root: Path, tabs: int):
        self.site_root, self.tab_count = site_root, max(1, tabs)
        self._lock, self.free, self.waiting, self._order = asyncio.Lock(), None, [], 0
        self._server = self._playwright = self._browser = None

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):  # whatever was started, also after a failure midway
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        if self._server is not None:
            self._server.__exit__(None, None, None)

    async def _take(self, priority: int):
        """A free tab; while none is free, the waiter of lowest ``priority`` (then the earliest)
        gets the next one, so that an edition's front matter goes before the next edition's pages."""
        async with self._lock:
            if self.free is None:
                from playwright.async_api import async_playwright

                from .. import chromium

                self._server = LoopbackServer(self.site_root)
                self.base = self._server.__enter__()
                self._playwright = await async_playwright().start()
                browser = self._browser = await chromium.launch(self._playwright, executable_path=chromium.headless())
                context = await browser.new_context(viewport={"width": A4_CONTENT_PX, "height": 1000},
                                                    color_scheme="light", bypass_csp=True, reduced_motion="reduce")
                await context.add_init_script("try { localStorage.setItem('mode', 'light'); "
                                              "localStorage.setItem('theme', 'light'); } catch (e) {}")
                tabs = []
                for _ in range(self.tab_count):
                    tab = await context.new_page()
                    await tab.emulate_media(media="print", color_scheme="light")
                    tabs.append(tab)
                self.free = tabs
        if self.free and not self.waiting:
            return self.free.pop()
        waiter = asyncio.get_running_loop().create_future()
        self._order += 1
        heapq.heappush(self.waiting, (priority, self._order, waiter))
        return await waiter

    def _give(self, tab) -> None:
        while self.waiting:
            _, _, waiter = heapq.heappop(self.waiting)
            if not waiter.done():
                waiter.set_result(tab)
                return
        self.free.append(tab)

    @contextlib.asynccontextmanager
    async def tab(self, priority: int = 1):
        """``async with pool.tab(priority) as tab:`` a tab of its own while the block runs (see
        :meth:`_take` for ``priority``)."""
        tab = await self._take(priority)
        try:
            yield tab
        finally:
            self._give(tab)

    async def html(self, markup: str, tagged: bool = True) -> bytes:
        """Print a document of its own (a title page, the contents; untagged: a sheet to stamp)."""
        async with self.tab(0) as tab:
            await tab.set_content(markup, wait_until="load")
            await tab.evaluate("() => document.fonts.ready.then(() => true)")
            return await tab.pdf(format="A4", print_background=True, tagged=tagged, outline=False,
                                 margin=MARGIN if tagged else {"top": "0", "bottom": "0", "left": "0", "right": "0"})
