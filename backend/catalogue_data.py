"""The service catalogue loaded by `seed`: agencies and services with fees in KES.

Fees follow the public schedules gathered in the project's domain research (2023-2025); they
change often, so they live here as data, loaded into the database, not in the code paths.
`fee_kes` is the agency's own fee: eCitizen's convenience fee is added on top when a bill is
issued (backend/services/fees.py), and articles quote both through placeholders such as
`{fee:smart_dl}`, so a schedule that already includes the KES 50 must be entered without it.

Names are written to sit inside a sentence ("your <name> application", "ombi lako la <name>"):
lower case, and in Swahili without verbs of their own, which would have to agree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AgencyData:
    """One agency row."""

    code: str
    name_en: str
    name_sw: str


@dataclass(frozen=True, slots=True)
class ServiceData:
    """One service row; `fee_kes` is the agency's fee in whole shillings, without eCitizen's."""

    code: str
    agency: str
    name_en: str
    name_sw: str
    fee_kes: int
    prefix: str
    requires_biometrics: bool
    processing_days: int


AGENCIES: tuple[AgencyData, ...] = (
    AgencyData("DIS", "Department of Immigration Services", "Idara ya Huduma za Uhamiaji"),
    AgencyData("DCI", "Directorate of Criminal Investigations", "Idara ya Upelelezi wa Jinai"),
    AgencyData(
        "NTSA",
        "National Transport and Safety Authority",
        "Mamlaka ya Kitaifa ya Usafiri na Usalama",
    ),
    AgencyData("BRS", "Business Registration Service", "Huduma ya Usajili wa Biashara"),
    AgencyData("CRS", "Civil Registration Services", "Huduma za Usajili wa Raia"),
    AgencyData("NRB", "National Registration Bureau", "Ofisi ya Kitaifa ya Usajili wa Watu"),
    AgencyData("SLO", "State Law Office (Registrar of Marriages)", "Ofisi ya Mwanasheria Mkuu"),
)

SERVICES: tuple[ServiceData, ...] = (
    ServiceData(
        "passport_34",
        "DIS",
        "Passport, 34 pages (ordinary)",
        "Pasipoti, kurasa 34 (ya kawaida)",
        7500,
        "PP",
        True,
        7,
    ),
    ServiceData(
        "passport_50",
        "DIS",
        "Passport, 50 pages (ordinary)",
        "Pasipoti, kurasa 50 (ya kawaida)",
        9500,
        "PP",
        True,
        7,
    ),
    ServiceData(
        "good_conduct",
        "DCI",
        "Certificate of Good Conduct (police clearance)",
        "Cheti cha Maadili Mema",
        1000,
        "GC",
        True,
        10,
    ),
    ServiceData(
        "smart_dl",
        "NTSA",
        "Smart driving licence (3 years)",
        "Leseni janja ya udereva (miaka 3)",
        3000,
        "DL",
        True,
        5,
    ),
    ServiceData(
        "smart_dl_renewal",
        "NTSA",
        "Smart driving licence renewal (3 years)",
        "Kuhuisha leseni janja ya udereva (miaka 3)",
        3000,
        "DL",
        False,
        5,
    ),
    ServiceData(
        "vehicle_inspection",
        "NTSA",
        "Motor-vehicle inspection booking",
        "Kuweka nafasi ya ukaguzi wa gari",
        1000,
        "MV",
        False,
        3,
    ),
    ServiceData(
        "business_name_search",
        "BRS",
        "Business name search",
        "Kutafuta jina la biashara",
        150,
        "BS",
        False,
        1,
    ),
    ServiceData(
        "business_name_registration",
        "BRS",
        "Business name registration",
        "Usajili wa jina la biashara",
        950,
        "BN",
        False,
        7,
    ),
    ServiceData(
        "birth_certificate", "CRS", "Birth certificate", "Cheti cha kuzaliwa", 200, "BC", False, 7
    ),
    ServiceData(
        "birth_certificate_late",
        "CRS",
        "Birth certificate, late registration",
        "Cheti cha kuzaliwa, usajili uliochelewa",
        500,
        "BC",
        False,
        7,
    ),
    ServiceData(
        "death_certificate", "CRS", "Death certificate", "Cheti cha kifo", 200, "DC", False, 7
    ),
    ServiceData(
        "national_id_first",
        "NRB",
        "National ID card, first issue",
        "Kitambulisho cha taifa, mara ya kwanza",
        0,
        "ID",
        True,
        14,
    ),
    ServiceData(
        "id_replacement",
        "NRB",
        "National ID card replacement",
        "Kubadilisha kitambulisho cha taifa kilichopotea",
        1000,
        "ID",
        True,
        14,
    ),
    ServiceData(
        "marriage_notice",
        "SLO",
        "Notice of civil marriage",
        "Notisi ya ndoa ya kiraia",
        600,
        "CM",
        False,
        21,
    ),
)
