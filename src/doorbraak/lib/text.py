"""Text helpers for values built from other values (titles, summaries, descriptions)."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, max_length: int) -> str:
    """``text`` cut to at most ``max_length`` characters, at a word boundary when it must be cut.

    A cut text ends in an ellipsis (counted in the length). When the last word boundary
    lies in the first half, the text is cut inside the word instead, so a single very long
    word (a URL, a citation without spaces) still leaves a useful prefix.
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1.")
    text = text.strip()
    if len(text) <= max_length:
        return text
    room = max_length - len(ELLIPSIS)
    head = text[: room + 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut >= room // 2 else head[:room]
    return head.rstrip(" ,;:-–—/(") + ELLIPSIS
