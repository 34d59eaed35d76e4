import pytest

from backend.services.fees import convenience_fee


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        (0, 0),
        (1, 5), (150, 5), (199, 5),
        (200, 10), (250, 10), (299, 10),
        (300, 15), (499, 15),
        (500, 20), (600, 20), (699, 20),
        (700, 25), (950, 25), (999, 25),
        (1000, 50), (1001, 50), (3050, 50), (7500, 50), (1_000_000, 50),
    ],
)
def test_convenience_fee_band_boundaries_give_gazetted_fee(amount: int, fee: int) -> None:
    assert convenience_fee(amount) == fee


def test_convenience_fee_good_conduct_totals_1050() -> None:
    assert 1000 + convenience_fee(1000) == 1050


@pytest.mark.parametrize("bad", [-1, -200])
def test_convenience_fee_negative_amount_raises(bad: int) -> None:
    with pytest.raises(ValueError):
        convenience_fee(bad)


@pytest.mark.parametrize("bad", [199.5, "200", True])
def test_convenience_fee_non_integer_amount_raises(bad: object) -> None:
    with pytest.raises(TypeError):
        convenience_fee(bad)  # type: ignore[arg-type]
