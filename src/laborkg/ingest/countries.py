"""One entity per country across USDOL's spellings, with ISO 3166 codes from pycountry."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pycountry
from rdflib import URIRef

from laborkg.errors import InputError
from laborkg.namespace import LKR

# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------

#: Spellings USDOL used in some years -> the one name an entity is minted from (its latest spelling,
#: except Turkey, whose 2022 name adds "(Türkiye)" and is kept as an alternative label).
ALIASES: dict[str, str] = {
    "Gambia": "The Gambia",
    "Gambia, The": "The Gambia",
    "Swaziland": "Eswatini",
    "Macedonia": "North Macedonia",
    "Moldova, Republic of": "Moldova",
    "Saint Helena, Ascensión, and Tristán da Cunha": "Saint Helena, Ascension, and Tristan da Cunha",
    "West Bank & Gaza Strip": "West Bank and the Gaza Strip",
    "Turkey (Türkiye)": "Turkey",
}

#: Canonical names pycountry does not find by name -> ISO 3166-1 alpha-2; None: no ISO 3166-1 code.
ISO_OVERRIDES: dict[str, str | None] = {
    "Burma": "MM",
    "British Indian Ocean Territories": "IO",
    "Congo, Democratic Republic of the": "CD",
    "Congo, Republic of the": "CG",
    "Falkland Islands (Islas Malvinas)": "FK",
    "The Gambia": "GM",
    "Heard and McDonald Islands": "HM",
    "Kosovo": None,  # not in ISO 3166-1 (XK is a user-assigned code)
    "Pitcairn Islands": "PN",
    "Russia": "RU",
    "Saint Helena, Ascension, and Tristan da Cunha": "SH",
    "São Tomé and Príncipe": "ST",
    "Turkey": "TR",
    "West Bank and the Gaza Strip": "PS",  # ISO 3166-1 PS covers the West Bank and the Gaza Strip
}


def slug(text: str) -> str:
    """ASCII lower-case words joined by hyphens ("Côte d'Ivoire" -> "cote-d-ivoire")."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


@dataclass(frozen=True)
class Country:
    """A reconciled country or territory: one IRI across years and spellings."""

    name: str
    alpha2: str | None
    alpha3: str | None

    @property
    def iri(self) -> URIRef:
        return LKR[slug(self.name)]


def reconcile(name: str) -> Country:
    """The entity a USDOL spelling names, with ISO 3166-1 codes from pycountry where one exists."""
    canonical = ALIASES.get(" ".join(name.split()), " ".join(name.split()))
    if canonical in ISO_OVERRIDES:
        code = ISO_OVERRIDES[canonical]
        c = pycountry.countries.get(alpha_2=code) if code else None
    else:
        try:
            c = pycountry.countries.lookup(canonical)
        except LookupError:
            raise InputError(
                f"country {name!r}: not reconciled (add it to ALIASES or ISO_OVERRIDES)"
            ) from None
    return Country(canonical, c.alpha_2 if c else None, c.alpha_3 if c else None)
