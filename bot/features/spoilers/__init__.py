"""spoilers."""
