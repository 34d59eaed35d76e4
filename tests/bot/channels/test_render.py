"""The light Markdown of replies on each channel: bold, bullets, and masked numbers kept whole."""

from __future__ import annotations

import pytest

from bot.channels.render import markdown_to_plain, markdown_to_telegram_html, markdown_to_whatsapp

MASKED = "If ******78 matches an account, **a code** has been sent."


def test_a_masked_number_keeps_every_asterisk_on_telegram() -> None:
    assert markdown_to_telegram_html(MASKED) == (
        "If ******78 matches an account, <b>a code</b> has been sent.")


def test_a_masked_number_keeps_every_mark_on_whatsapp() -> None:
    # WhatsApp has no escape for `*`: the mask is written with a look-alike, one per digit
    assert markdown_to_whatsapp(MASKED) == (
        "If \u2217\u2217\u2217\u2217\u2217\u221778 matches an account, *a code* has been sent.")


def test_the_terminal_and_templates_get_plain_text() -> None:
    assert markdown_to_plain("**Fees**\n- passport: **KES 7,500**\n- ID ******78") == (
        "Fees\n• passport: KES 7,500\n• ID ******78")


@pytest.mark.parametrize(("text", "bold"), [
    ("**KES 3,050**", "KES 3,050"),
    ("a **b** c **d**", "b"),
    ("** spaced **", None),
    ("******", None),
    ("***x***", None),
])
def test_what_counts_as_bold(text: str, bold: str | None) -> None:
    html = markdown_to_telegram_html(text)
    assert (f"<b>{bold}</b>" in html) if bold else ("<b>" not in html)
