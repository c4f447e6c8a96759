/* The book's search ranking and excerpts (Sphinx's html_search_scorer: this file is written into
   _static/language_data.js, which only the search page loads, right after searchtools.js).

   * Ranking: a page whose own title holds a word of the query comes before the pages that only
     mention it (Sphinx scores a word in any section title of a page the same as in its title).
   * Excerpts: Sphinx takes a result's excerpt from the fetched page's [role=main], which also holds
     the article header (the language switch "English Oʻzbekcha Русский", the download buttons and
     the page's contents), the "Cite this page" box, the notebooks' code and the charts' drawings.
     The excerpt is taken from the article's reading text alone, around the first word of the query
     it holds (or from its start, when the word is only in the code). */
var Scorer = {
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
  /* added to a whole page (no anchor) whose title holds a word of the query */
  pageTitle: 100,

  queryWords: function () {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var stemmer = new Stemmer();
    return splitQuery(query.toLowerCase()).map(function (word) { return stemmer.stemWord(word); })
      .filter(function (word) { return word && word[0] !== "-"; });
  },

  score: function (result) {
    var title = result[1], anchor = result[2], score = result[4];
    if (anchor || typeof title !== "string") { return score; }
    var stemmer = new Stemmer();
    var words = splitQuery(title.replace(/<[^>]*>/g, "").toLowerCase())
      .map(function (word) { return stemmer.stemWord(word); });
    var asked = Scorer.queryWords();
    var found = asked.some(function (word) { return words.indexOf(word) > -1; });
    return found ? score + Scorer.pageTitle : score;
  },
};

(function () {
  if (typeof Search === "undefined") { return; }
  /* what is not the page's reading text */
  var CHROME = [".headerlink", "script", "style", "noscript", "template", ".bd-header-article", ".ppp-languages",
                ".ppp-cite-box", ".cell_input", ".ppp-visually-hidden", ".bd-footer-article", ".prev-next-footer",
                ".bd-sidebar-secondary", ".ppp-chart-data", ".ppp-chart-box", ".ppp-pdf-links", "nav", "svg"];
  var APOSTROPHES = /[__PPP_APOSTROPHES__]/g;

  Search.htmlToText = function (htmlString, anchor) {
    var page = new DOMParser().parseFromString(htmlString, "text/html");
    CHROME.forEach(function (selector) {
      page.querySelectorAll(selector).forEach(function (element) { element.remove(); });
    });
    var article = page.querySelector("article.bd-article") || page.querySelector('[role="main"]');
    if (!article) { return ""; }
    if (anchor) {
      var part = null;
      try { part = article.querySelector(anchor); } catch (e) { part = null; }
      if (part) { return part.textContent; }
    }
    return article.textContent;
  };

  /* the text without the apostrophes inside words (the index folds them: oʻzbek, o'zbek, ozbek),
     and where each of its characters was in the text */
  function folded(text) {
    var chars = [], where = [];
    for (var i = 0; i < text.length; i++) {
      if (APOSTROPHES.test(text[i]) && i > 0 && /\p{L}/u.test(text[i - 1]) && /\p{L}/u.test(text[i + 1] || "")) {
        APOSTROPHES.lastIndex = 0;
        continue;
      }
      APOSTROPHES.lastIndex = 0;
      chars.push(text[i].toLowerCase());
      where.push(i);
    }
    return { text: chars.join(""), where: where };
  }

  Search.makeSearchSummary = function (htmlText, keywords, anchor) {
    var text = Search.htmlToText(htmlText, anchor).replace(/\s+/g, " ").trim();
    if (text === "") { return null; }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var words = splitQuery(query.toLowerCase()).concat(Array.from(keywords))
      .map(function (word) { return word.toLowerCase().replace(APOSTROPHES, ""); })
      .filter(function (word) { return word && word[0] !== "-"; });
    var seen = folded(text);
    var start = -1;
    words.forEach(function (word) {
      var at = seen.text.indexOf(word);
      if (at > -1 && (start === -1 || seen.where[at] < start)) { start = seen.where[at]; }
    });
    var from = start > -1 ? Math.max(start - 120, 0) : 0;
    if (from > 0) {  /* begin at a word */
      var space = text.indexOf(" ", from);
      from = space > -1 && space < start ? space + 1 : from;
    }
    var summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (from === 0 ? "" : "…") + text.substr(from, 240).trim() + (from + 240 < text.length ? "…" : "");
    return summary;
  };
})();
