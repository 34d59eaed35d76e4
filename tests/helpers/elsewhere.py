"""A small knowledge/elsewhere.yaml for tests: two other agencies' services."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.elsewhere import ELSEWHERE_FILE

SERVICES = """\
services:
  - id: kra-tax
    agency:
      en: Kenya Revenue Authority (KRA)
      sw: Mamlaka ya Ushuru Kenya (KRA)
    url: https://itax.kra.go.ke/KRA-Portal/
    terms:
      en: [tax refund]
      sw: [kurudishiwa kodi]
    text:
      en: "Tax refunds are handled by KRA on iTax."
      sw: "Kurudishiwa kodi hushughulikiwa na KRA kwenye iTax."
  - id: helb
    agency:
      en: Higher Education Loans Board (HELB)
      sw: Bodi ya Mikopo ya Elimu ya Juu (HELB)
    url: https://www.helb.co.ke/
    terms:
      en: [student loan]
      sw: [mkopo wa wanafunzi]
    text:
      en: "Student loans are handled by HELB."
      sw: "Mikopo ya wanafunzi hushughulikiwa na HELB."
"""


def write_elsewhere(folder: Path, text: str) -> Path:
    """Write `text` as the folder's elsewhere.yaml and return its path."""
    path = folder / ELSEWHERE_FILE
    path.write_text(text, encoding="utf-8")
    return path
