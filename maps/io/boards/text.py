"""The text of a board: sticky notes' HTML made plain, and area titles shortened."""

from __future__ import annotations

from html.parser import HTMLParser

from maps.io.limits import MAX_TITLE_CHARS


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment, dropping tags and the content of the
    elements that are code, not text. Entities are unescaped (convert_charrefs)."""

    _DROPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
    # Block elements and line breaks separate words: "<p>a</p><p>b</p>" is "a b".
    _BREAKS = frozenset(
        {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "blockquote", "hr"}
        | {f"h{level}" for level in range(1, 7)}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._DROPPED:
            self._dropping += 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._DROPPED:
            self._dropping = max(self._dropping - 1, 0)
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def clean_markup(value: str) -> str:
    """Plain text of a sticky's HTML: tags removed, entities unescaped, whitespace collapsed.

    ``<p>Too <b>many</b> tools</p>`` becomes ``Too many tools``. Text the author typed
    that looks like markup (``&lt;b&gt;`` in the export) stays as the characters they
    typed; like every note it is escaped wherever it is shown.
    """
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    # str.split() also splits on non-breaking spaces (&nbsp;) and other Unicode blanks.
    return " ".join("".join(parser.parts).split())


def area_title(raw: str | None) -> str:
    """An area's title as plain text, shortened past MAX_TITLE_CHARS."""
    title = clean_markup(raw or "")
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1] + "…"
    return title
