"""Spaced review of the quiz items a member missed (or got right only slowly)."""
