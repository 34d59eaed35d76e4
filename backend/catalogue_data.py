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
        "34-page ordinary passport",
        "pasipoti ya kawaida ya kurasa 34",
        7500,
        "PP",
        True,
        7,
    ),
    ServiceData(
        "passport_50",
        "DIS",
        "50-page ordinary passport",
        "pasipoti ya kawaida ya kurasa 50",
        9500,
        "PP",
        True,
        7,
    ),
    ServiceData(
        "good_conduct",
        "DCI",
        "Certificate of Good Conduct",
        "cheti cha maadili mema (good conduct)",
        1000,
        "GC",
        True,
        10,
    ),
    ServiceData(
        "smart_dl",
        "NTSA",
        "smart driving licence (3 years)",
        "leseni ya kidijitali ya udereva (smart DL) ya miaka 3",
        3000,
        "DL",
        True,
        5,
    ),
    ServiceData(
        "smart_dl_renewal",
        "NTSA",
        "smart driving licence renewal (3 years)",
        "kuhuisha leseni ya kidijitali ya udereva (smart DL) kwa miaka 3",
        3000,
        "DL",
        False,
        5,
    ),
    ServiceData(
        "vehicle_inspection",
        "NTSA",
        "motor-vehicle inspection",
        "ukaguzi wa gari",
        1000,
        "MV",
        False,
        3,
    ),
    ServiceData(
        "business_name_search",
        "BRS",
        "business name search",
        "kutafuta jina la biashara",
        150,
        "BS",
        False,
        1,
    ),
    ServiceData(
        "business_name_registration",
        "BRS",
        "business name registration",
        "usajili wa jina la biashara",
        950,
        "BN",
        False,
        7,
    ),
    ServiceData(
        "birth_certificate", "CRS", "birth certificate", "cheti cha kuzaliwa", 200, "BC", False, 7
    ),
    ServiceData(
        "birth_certificate_late",
        "CRS",
        "birth certificate (late registration)",
        "cheti cha kuzaliwa (usajili wa kuchelewa)",
        500,
        "BC",
        False,
        7,
    ),
    ServiceData(
        "death_certificate", "CRS", "death certificate", "cheti cha kifo", 200, "DC", False, 7
    ),
    ServiceData(
        "national_id_first",
        "NRB",
        "first national ID card",
        "kitambulisho cha taifa cha mara ya kwanza",
        0,
        "ID",
        True,
        14,
    ),
    ServiceData(
        "id_replacement",
        "NRB",
        "replacement national ID card",
        "kitambulisho cha taifa mbadala",
        1000,
        "ID",
        True,
        14,
    ),
    ServiceData(
        "marriage_notice",
        "SLO",
        "notice of civil marriage",
        "notisi ya ndoa ya kiraia",
        600,
        "CM",
        False,
        21,
    ),
)
