"""Plain-language reason templates in English and Spanish (`en.yaml`, `es.yaml`).

A template is looked up as `<program key>.<reason>` first, then `<reason>` (shared wording), and
filled with `{value}`, `{limit}`, `{size}`, `{who}`, `{program}`, `{amount}`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

import yaml

LANGUAGES = ("en", "es")


@cache
def templates(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        lang = "en"
    raw = yaml.safe_load((Path(__file__).parent / f"{lang}.yaml").read_text(encoding="utf-8"))
    flat: dict[str, str] = {}
    for key, val in raw.items():
        if isinstance(val, dict):
            flat.update({f"{key}.{k}": str(v) for k, v in val.items()})
        else:
            flat[key] = str(val)
    return flat


def template(lang: str, program: str, reason: str) -> str:
    t = templates(lang)
    found = t.get(f"{program}.{reason}") or t.get(reason)
    if found is None:
        raise KeyError(f"no {lang} template for {program}.{reason}")
    return found


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(lang: str, program: str, reason: str, fields: dict[str, Any]) -> str:
    return Formatter().vformat(template(lang, program, reason), (), _Safe(fields))
