"""Fee placeholders in article text, filled from the billing catalogue's fees."""

from __future__ import annotations

from bot.core.placeholders import KINDS, Fee, fill, placeholders

FEES = {"smart_dl": Fee(3000, 50), "vehicle_inspection": Fee(1000, 50)}


def shillings(amount: int) -> str:
    return f"KES {amount:,}"


def test_a_fee_is_the_service_fee_plus_the_convenience_fee_as_on_the_bill() -> None:
    fee = FEES["smart_dl"]
    assert (fee.total, fee.amount("fee"), fee.amount("service_fee"), fee.amount("convenience_fee")) \
        == (3050, 3050, 3000, 50)


def test_each_kind_is_filled_from_the_catalogue() -> None:
    text = "Pay {fee:smart_dl}: {service_fee:smart_dl} plus {convenience_fee:smart_dl}."
    assert fill(text, FEES, shillings, "the fee on eCitizen") == \
        "Pay KES 3,050: KES 3,000 plus KES 50."


def test_an_unknown_code_or_kind_or_no_catalogue_falls_back_to_words() -> None:
    assert fill("{fee:no_such}", FEES, shillings, "the fee on eCitizen") == "the fee on eCitizen"
    assert fill("{price:smart_dl}", FEES, shillings, "?") == "?"
    assert fill("Costs {fee:smart_dl}.", None, shillings, "the fee on eCitizen") == \
        "Costs the fee on eCitizen."


def test_text_without_placeholders_is_left_as_it_is() -> None:
    text = "Braces {like these} and {1: 2} are not placeholders."
    assert fill(text, FEES, shillings, "?") == text
    assert list(placeholders(text)) == []


def test_misspelt_placeholders_are_found_so_that_lint_can_name_them() -> None:
    found = list(placeholders("a {fee:smart_dl} b { Fees : smart_dl } c {service_fee:x1}"))
    assert [(p.kind, p.code) for p in found] == [
        ("fee", "smart_dl"), ("Fees", "smart_dl"), ("service_fee", "x1")]
    assert found[0].start == 2 and found[0].text == "{fee:smart_dl}"
    assert set(KINDS) == {"fee", "service_fee", "convenience_fee"}
