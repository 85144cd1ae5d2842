"""Kruzhok: a bot for reading circles."""
