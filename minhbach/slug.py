"""Readable ASCII names for addresses: Vietnamese folded ("Đắk Nông" → "dak-nong")."""

from __future__ import annotations

import re

from slugify import slugify

from .models import ID_PATTERN

MAX_LENGTH = 120
_ID = re.compile(ID_PATTERN)


def slug(text: str) -> str:
    """Fold ``text`` to lowercase ASCII words joined by single hyphens (python-slugify does the folding)."""
    return slugify(text, max_length=MAX_LENGTH, word_boundary=True, save_order=True)


def is_slug(text: str) -> bool:
    """Whether ``text`` is already a valid id or page name."""
    return len(text) <= MAX_LENGTH and _ID.match(text) is not None


def escapes_output(name: str) -> bool:
    """Whether a name would point outside the folder it is written in (../, /abs, \\, NUL)."""
    return (name.startswith(("/", "~")) or "\\" in name or "\x00" in name or "/" in name
            or name in (".", "..") or re.match(r"^[A-Za-z]:", name) is not None)
