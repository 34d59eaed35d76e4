"""Rendering helpers shared by the pushing channels: clean splits and the FAQ's light Markdown.

FAQ bodies are written by editors in a small Markdown subset: `**bold**`, `- ` bullets and bare
URLs. Telegram shows them as HTML and WhatsApp with its own `*bold*`; everything else a citizen
or an editor typed must come out as literal text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

# Bold is `**text**` with no asterisk just outside or inside its edges, so a masked number
# ("******78") stays literal instead of turning into bold asterisks.
_BOLD = re.compile(r"(?<!\*)\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?!\*)")
_MASK_RUN = re.compile(r"\*{2,}(?=\w)")
_LOOKALIKE_ASTERISK = "\u2217"  # WhatsApp reads `*` as formatting and has no escape
_BULLET = re.compile(r"^([ \t]*)[-*][ \t]+", re.MULTILINE)
_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_TAIL = ".,;:!?)]}"
_SEPARATORS = ("\n\n", "\n", " ")


def utf16_length(text: str) -> int:
    """Return the length of `text` in UTF-16 code units, as Telegram counts message limits."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, length: Callable[[str], int] = len) -> list[str]:
    """Split `text` into parts of at most `limit`, at paragraph, then line, then word breaks.

    A part only ends inside a word when a single word is longer than the limit.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    if length(text) <= limit:
        return [text] if text else []
    return [part for part in _split(text, limit, length, 0) if part.strip()]


def _split(text: str, limit: int, length: Callable[[str], int], level: int) -> list[str]:
    """Pack pieces separated by the level's separator; split pieces that are still too long."""
    if length(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_cut(text, limit, length)
    separator = _SEPARATORS[level]
    parts: list[str] = []
    current = ""
    for piece in text.split(separator):
        candidate = f"{current}{separator}{piece}" if current else piece
        if length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if length(piece) <= limit:
            current = piece
        else:
            *full, current = _split(piece, limit, length, level + 1)
            parts.extend(full)
    if current:
        parts.append(current)
    return [p.strip("\n") if separator != " " else p.strip() for p in parts]


def _hard_cut(text: str, limit: int, length: Callable[[str], int]) -> list[str]:
    """Cut a single over-long word by characters."""
    parts: list[str] = []
    current = ""
    for char in text:
        if length(current + char) > limit:
            parts.append(current)
            current = ""
        current += char
    if current:
        parts.append(current)
    return parts


def _split_url(match: re.Match[str]) -> tuple[str, str]:
    """Separate a bare URL from punctuation that ends the sentence around it."""
    url = match.group(0)
    tail = ""
    while url and url[-1] in _URL_TAIL:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # a balanced parenthesis belongs to the URL (Wikipedia-style links)
        tail = url[-1] + tail
        url = url[:-1]
    return url, tail


def markdown_to_telegram_html(text: str) -> str:
    """Escape `text` for Telegram's HTML mode and turn the light Markdown into tags."""
    urls: list[str] = []

    def hold(match: re.Match[str]) -> str:
        # URLs are found in the raw text and set aside, so escaping cannot split them
        url, tail = _split_url(match)
        urls.append(url)
        return f"\x00{len(urls) - 1}\x00{tail}"

    held = _URL.sub(hold, text.replace("\x00", ""))
    escaped = _BOLD.sub(r"<b>\1</b>", _BULLET.sub(r"\1• ", html.escape(held, quote=False)))

    def link(match: re.Match[str]) -> str:
        url = html.escape(urls[int(match.group(1))], quote=True)
        return f'<a href="{url}">{url}</a>'

    return re.sub(r"\x00(\d+)\x00", link, escaped)


def markdown_to_whatsapp(text: str) -> str:
    """Turn the light Markdown into WhatsApp's formatting (`*bold*`, bullets kept).

    A masked number's asterisks are written with a look-alike, or WhatsApp would take them
    as formatting and show fewer than were masked.
    """
    formatted = _BOLD.sub(r"*\1*", _BULLET.sub(r"\1• ", text))
    return _MASK_RUN.sub(lambda run: _LOOKALIKE_ASTERISK * len(run.group(0)), formatted)


def markdown_to_plain(text: str) -> str:
    """Turn the light Markdown into plain text (terminals, template parameters)."""
    return _BOLD.sub(r"\1", _BULLET.sub(r"\1• ", text))


def shorten(text: str, limit: int) -> str:
    """Return `text` cut to `limit` characters, with an ellipsis when something was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
