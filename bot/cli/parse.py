"""`msaidizi parse`: the NLU API on the command line, one JSON result per input line."""

from __future__ import annotations

import json
import sys

import click

from bot.channels.nlu_api import rasa_parse
from bot.cli.settings import load_settings
from bot.knowledge.live import LiveKnowledge
from bot.logs import configure_logging


@click.command("parse")
def parse_command() -> None:
    """Read messages from stdin (plain text or JSON with text and lang); print Rasa parse JSON."""
    configure_logging("WARNING")
    settings = load_settings()
    knowledge = LiveKnowledge(settings.knowledge_dir, suggest_threshold=settings.matching.suggest)
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        text, lang = line, None
        if line.lstrip().startswith("{"):
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                click.echo(json.dumps({"error": f"invalid JSON: {exc.msg}"}))
                continue
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                click.echo(json.dumps({"error": "expected an object with a 'text' string"}))
                continue
            text = data["text"]
            lang = data.get("lang") if data.get("lang") in ("en", "sw") else None
        result = rasa_parse(knowledge.parse(text[:1000], lang), knowledge)
        click.echo(json.dumps(result, ensure_ascii=False))
