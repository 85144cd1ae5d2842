"""`pack suggest`: quotes, draft quiz items and glossary terms proposed from a chapter's
source text, printed as YAML to paste into the chapter file."""
