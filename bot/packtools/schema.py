"""`pack schema`: JSON Schema files for book.yaml, chapter and deck files, generated from
the models `validate` uses, so editors check the same fields the bot does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.content.model import BookMeta, Chapter, Deck
from bot.packtools.files import write_new

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS: dict[str, type[BaseModel]] = {
    "book.schema.json": BookMeta,
    "chapter.schema.json": Chapter,
    "deck.schema.json": Deck,
}


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    return {"$schema": DIALECT, **model.model_json_schema()}


def schema_texts() -> dict[str, str]:
    """File name -> JSON text, for every schema."""
    return {
        name: json.dumps(schema_of(model), indent=2, ensure_ascii=False) + "\n"
        for name, model in SCHEMAS.items()
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write (or refresh) the schema files in `folder`; returns their paths."""
    files = {folder / name: text for name, text in schema_texts().items()}
    write_new(files, replace=True)
    return list(files)


def editor_line(schema_file: str) -> str:
    """The first line of a YAML file that tells editors (yaml-language-server) its schema."""
    return f"# yaml-language-server: $schema={schema_file}\n"
