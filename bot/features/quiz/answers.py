"""Free-text answers: normalisation and matching now live in bot.content.answers, shared
with every feature that asks quiz items; the quiz's names stay here."""

from __future__ import annotations

from bot.content.answers import allowed_typos, fold, matches, normalise

__all__ = ["allowed_typos", "fold", "matches", "normalise"]
