"""discord."""

import logging


class _NoVoiceWarnings(logging.Filter):
    """The bot has no voice: discord.py's start-up warnings about voice libraries (PyNaCl,
    davey) are noise on every start, in front of the lines that matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


logging.getLogger("discord.client").addFilter(_NoVoiceWarnings())
