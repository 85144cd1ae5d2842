"""Tools that help write a content pack: `python -m bot pack new|split|suggest|preview|schema`
and `python -m bot import-quiz`. Each raises ProblemsError (and writes nothing) on bad input."""
