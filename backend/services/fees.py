"""The eCitizen convenience (access) fee, gazetted by the Treasury in December 2023."""

from __future__ import annotations

# (upper bound inclusive, fee). The gazette's bands read "< 199 -> 5; 200-299 -> 10; ...;
# 700-999 -> 25; > 1,000 -> 50". They leave 199 and 1,000 themselves open; we close the gaps
# so every amount has exactly one band: 1-199 -> 5 and 1,000 and above -> 50 (good conduct is
# 1,000 + 50, which confirms the last one).
FEE_BANDS_KES: tuple[tuple[int, int], ...] = (
    (199, 5),
    (299, 10),
    (499, 15),
    (699, 20),
    (999, 25),
)
TOP_BAND_FEE_KES = 50


def convenience_fee(amount_kes: int) -> int:
    """Return the convenience fee in KES for a service fee of `amount_kes` whole shillings.

    Free services (0) carry no fee. Amounts in US dollars (fee US$1) are not modelled: the
    catalogue holds KES services only.
    """
    if isinstance(amount_kes, bool) or not isinstance(amount_kes, int):
        raise TypeError("amount_kes must be an int of whole shillings")
    if amount_kes < 0:
        raise ValueError("amount_kes must not be negative")
    if amount_kes == 0:
        return 0
    for upper, fee in FEE_BANDS_KES:
        if amount_kes <= upper:
            return fee
    return TOP_BAND_FEE_KES
