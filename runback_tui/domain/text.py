"""Text a runner types, and text Runback shows: the one check on the way in, the one on the way out.

**In** (:func:`problem`): stored free text (notes) may hold any character but control
characters: C0 controls other than tab and newline, DEL, the C1 controls U+0080–U+009F, and the
bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can
reorder what a terminal, a report or a spreadsheet shows.  A one-line text (a shoe's name) may
not hold a tab or a newline either.  The models call it for every text field, so a form, a
command-line option, an imported file and a hand-edited data file are refused alike, with the
character named by its code point (never echoed).

**Out** (:func:`printable`, :func:`json_text`, :func:`csv_cell`): whatever Runback prints or
writes from stored text goes through one of these, so a file written before the check (or any
text that reached a record some other way) never puts a control character on a terminal, in a
report or in a CSV file.  Refused characters are shown as U+FFFD (``�``), or, in JSON, as the
``\\uXXXX`` escape JSON itself defines (lossless).  A CSV text cell that a spreadsheet would run
as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or CR) gets a leading ``'`` (OWASP "CSV
injection"); numbers stay numbers.

Standard library only: the CLI's argument types use it before pydantic is loaded.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""The bidirectional controls, as a regular-expression class body."""
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")
"""Never stored, never shown: control characters but tab and newline, C1, bidi controls."""
_REFUSED_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + "]")
"""The same, and tab and newline, for one-line text."""

REPLACEMENT = "\ufffd"
"""What a refused character is shown as."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet run a CSV cell as a formula (OWASP)."""

ALLOWED_TEXT = "letters, digits, punctuation, symbols, emoji, spaces, tabs and line breaks"
"""What free text (a note) may hold, as messages say it."""
ALLOWED_ONE_LINE = "letters, digits, punctuation, symbols, emoji and spaces, on one line"
"""What a one-line text (a name) may hold."""

_C0_NAMES = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
    "ENQUIRY", "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED",
    "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
    "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "FILE SEPARATOR", "GROUP SEPARATOR", "RECORD SEPARATOR", "UNIT SEPARATOR",
)  # fmt: skip
_C1_NAMES = (
    "PADDING CHARACTER", "HIGH OCTET PRESET", "BREAK PERMITTED HERE", "NO BREAK HERE",
    "INDEX", "NEXT LINE", "START OF SELECTED AREA", "END OF SELECTED AREA",
    "CHARACTER TABULATION SET", "CHARACTER TABULATION WITH JUSTIFICATION",
    "LINE TABULATION SET", "PARTIAL LINE FORWARD", "PARTIAL LINE BACKWARD",
    "REVERSE LINE FEED", "SINGLE SHIFT TWO", "SINGLE SHIFT THREE", "DEVICE CONTROL STRING",
    "PRIVATE USE ONE", "PRIVATE USE TWO", "SET TRANSMIT STATE", "CANCEL CHARACTER",
    "MESSAGE WAITING", "START OF GUARDED AREA", "END OF GUARDED AREA", "START OF STRING",
    "SINGLE GRAPHIC CHARACTER INTRODUCER", "SINGLE CHARACTER INTRODUCER",
    "CONTROL SEQUENCE INTRODUCER", "STRING TERMINATOR", "OPERATING SYSTEM COMMAND",
    "PRIVACY MESSAGE", "APPLICATION PROGRAM COMMAND",
)  # fmt: skip
_BIDI_NAMES = {
    0x061C: "ARABIC LETTER MARK",
    0x200E: "LEFT-TO-RIGHT MARK",
    0x200F: "RIGHT-TO-LEFT MARK",
    0x202A: "LEFT-TO-RIGHT EMBEDDING",
    0x202B: "RIGHT-TO-LEFT EMBEDDING",
    0x202C: "POP DIRECTIONAL FORMATTING",
    0x202D: "LEFT-TO-RIGHT OVERRIDE",
    0x202E: "RIGHT-TO-LEFT OVERRIDE",
    0x2066: "LEFT-TO-RIGHT ISOLATE",
    0x2067: "RIGHT-TO-LEFT ISOLATE",
    0x2068: "FIRST STRONG ISOLATE",
    0x2069: "POP DIRECTIONAL ISOLATE",
}


def character_name(ch: str) -> str:
    """*ch* as messages name it: ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    code = ord(ch)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    elif 0x80 <= code <= 0x9F:
        name = _C1_NAMES[code - 0x80]
    else:
        name = _BIDI_NAMES.get(code, "")
    return f"U+{code:04X} {name}".rstrip()


def problem(text: str, *, one_line: bool = False) -> str | None:
    """Why *text* may not be stored (its first refused character, named), or None.

    Free text may hold tabs and line breaks; *one_line* text may not.
    """
    found = (_REFUSED_ONE_LINE if one_line else _REFUSED).search(text)
    if found is None:
        return None
    allowed = ALLOWED_ONE_LINE if one_line else ALLOWED_TEXT
    return (
        f"must not contain control characters (found {character_name(found.group())} "
        f"at character {found.start() + 1}); allowed: {allowed}"
    )


def printable(text: str) -> str:
    """*text* safe on a terminal or in a report: every refused character shown as U+FFFD.

    Tabs and line breaks are kept (free text may hold them; a one-line context lays them out
    itself).
    """
    return _REFUSED.sub(REPLACEMENT, text)


def _escaped(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps``) with every refused character as a ``\\uXXXX`` escape.

    Outside strings JSON holds only ASCII structure and whitespace, and ``json.dumps`` writes
    tab and newline inside strings as escapes, so this changes only characters inside strings,
    into the escapes JSON defines for them: the data reads back the same.
    """
    return _REFUSED.sub(_escaped, text)


def csv_cell(value: str) -> str:
    """A text cell for a CSV file: printable, and never the start of a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``, as OWASP
    recommends, so spreadsheet software shows it as text.  Only text cells go through this:
    numbers are written as numbers.
    """
    if value.startswith(FORMULA_START):
        value = "'" + value
    return printable(value)
