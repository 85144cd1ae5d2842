"""Command lines as words: the length limit and the shell-style splitting, in one linear pass."""

from __future__ import annotations

# The longest command line taken (characters): longer lines are refused with a message
# before they are split, so no line costs more than a bounded, linear amount of work.
MAX_LINE = 4000
_BLANK = " \t\r\n"  # what separates words (the shell's blanks, as shlex had them)


def split_words(text: str) -> list[str]:
    """Split a command line into words; quotes group words. Unbalanced quotes are kept.

    The shell's rules, as `shlex.split` applied them: 'single' quotes keep everything,
    "double" quotes let a backslash escape a double quote or a backslash, a backslash
    outside quotes escapes the next character, and '' is an empty word. A line that does
    not close its quotes (or ends in a lone backslash) is split at blanks only. One pass
    over the text: the time grows with its length alone.
    """
    words = _split_quoted(text)
    return words if words is not None else text.split()


def _split_quoted(text: str) -> list[str] | None:
    """The words, or None when a quote is left open or a backslash ends the line."""
    words: list[str] = []
    word: list[str] = []
    in_word = False
    quote = ""
    i, end = 0, len(text)
    while i < end:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                word.append(ch)
        elif quote == '"':
            if ch == '"':
                quote = ""
            elif ch == "\\" and i + 1 < end and text[i + 1] in '"\\':
                i += 1
                word.append(text[i])
            else:
                word.append(ch)
        elif ch in _BLANK:
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
        elif ch in "'\"":
            quote, in_word = ch, True
        elif ch == "\\":
            if i + 1 >= end:
                return None
            i += 1
            word.append(text[i])
            in_word = True
        else:
            word.append(ch)
            in_word = True
        i += 1
    if quote:
        return None
    if in_word:
        words.append("".join(word))
    return words


def line_too_long(line: str) -> str | None:
    """The message refusing a command line past MAX_LINE, or None when it may be run."""
    if len(line) <= MAX_LINE:
        return None
    return (
        f"That command is {len(line):,} characters long; commands are limited to "
        f"{MAX_LINE:,} characters. Nothing was done."
    )
