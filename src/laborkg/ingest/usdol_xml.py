"""USDOL's Findings XML files: each checked against its published SHA-256, parsed without entity
expansion, read as (country record, element path, verbatim text)."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from laborkg.errors import InputError
from laborkg.namespace import LKP, LKR

#: SHA-256 of the nine known files, by reporting year (see /work/shared/findings/README.md).
KNOWN_SHA256: dict[int, str] = {
    2014: "23e24bafeca74cc847e1c7eb5451358a2949829db1590170ce5834c49a22b837",
    2015: "9808de8c1945cb7d8b49e532acde66e8cc8a2d978bc3c44369e34938238b27de",
    2016: "a634884f0e06aac36c3558116afc697019a9d7a57ccde52202c4785f8bd1ce72",
    2017: "68441b28355f6c4ca229170970eeea20139ff30df66467dd6137c113552e4ca1",
    2018: "2c9b45c6a6114910f6481ddc44c931f4c397a22899783f2537ac57781a212281",
    2019: "17c7f5172e534c25f5de36d19c03bb7b28647a96b330b86fe1dc32f7e5756c88",
    2020: "b25d5c123e835c446d5d82f0759b9d6221564f64913191444f4b5a3d3ef4f154",
    2021: "cd59d532fd1ef27051f88da5cdd998ce81a9d522c12635f2ecc7f6dcf1f2b12e",
    2022: "55f343150552be8fe256318a47eef5eef6f9be7e6ae3a63db5173ebbd5a300fc",
}
YEARS = tuple(sorted(KNOWN_SHA256))
_FILE_RE = re.compile(r"countries_(\d{4})\.xml")


def file_name(year: int) -> str:
    """The file name of a reporting year's file."""
    return f"countries_{year}.xml"


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingsFile:
    """One verified file: its reporting year, SHA-256 and path."""

    year: int
    sha256: str
    path: Path

    @property
    def iri(self) -> URIRef:
        return LKR[f"usdol-findings-xml-{self.year}"]


@dataclass(frozen=True)
class Record:
    """One ``<Country>`` element: its 1-based position in the file and its name as written."""

    file: FindingsFile
    position: int
    name: str

    @property
    def iri(self) -> URIRef:
        return LKR[f"usdol-findings-xml-{self.file.year}-country-{self.position}"]


@dataclass(frozen=True)
class Value:
    """A non-empty element text. ``path`` is relative to the record, every step with its 1-based
    position among same-named siblings (``Goods[1]/Good[3]/Child_Labor[1]``), so that
    ``record_element.find(path)`` finds exactly this element."""

    record: Record
    path: str
    text: str

    @property
    def schema_path(self) -> str:
        """The path without positions, from ``Country`` (the inventory's key)."""
        return "Country/" + re.sub(r"\[\d+\]", "", self.path)

    @property
    def iri(self) -> URIRef:
        step = self.path.replace("/", ".").replace("[", "-").replace("]", "")
        return LKP[f"usdol-findings-{self.record.file.year}-c{self.record.position}-{step}"]


def verify(path: Path | str) -> tuple[FindingsFile, bytes]:
    """Read ``path`` and check its SHA-256 against the known file of its reporting year."""
    path = Path(path)
    m = _FILE_RE.fullmatch(path.name)
    if not m or int(m.group(1)) not in KNOWN_SHA256:
        raise InputError(
            f"{path}: not one of the known findings files (countries_2014.xml … countries_2022.xml)"
        )
    year = int(m.group(1))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != KNOWN_SHA256[year]:
        raise InputError(
            f"{path}: SHA-256 {digest} is not that of the known {year} file ({KNOWN_SHA256[year]}); refused"
        )
    return FindingsFile(year, digest, path), data


def parse_bytes(data: bytes, where: str) -> ET.Element:
    """Parse XML with the standard library, refusing DOCTYPE and ENTITY declarations (no expansion)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError(f"{where}: DOCTYPE/ENTITY declarations are refused")
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line, col = exc.position
        raise InputError(f"{where}:{line}:{col}: malformed XML: {str(exc).split(':')[0]}") from None
    if root.tag != "Countries":
        raise InputError(f"{where}: root element is <{root.tag}>, expected <Countries>")
    return root


def load(path: Path | str) -> tuple[FindingsFile, ET.Element]:
    """Verify and parse one file."""
    ff, data = verify(path)
    return ff, parse_bytes(data, str(ff.path))


def records(ff: FindingsFile, root: ET.Element) -> Iterator[tuple[Record, ET.Element]]:
    """The file's country records with their elements."""
    for pos, el in enumerate(root.findall("Country"), start=1):
        yield Record(ff, pos, el.findtext("Name") or ""), el


def walk(el: ET.Element, prefix: str) -> Iterator[tuple[str, ET.Element]]:
    seen: dict[str, int] = defaultdict(int)
    for child in el:
        seen[child.tag] += 1
        path = f"{prefix}{child.tag}[{seen[child.tag]}]"
        yield path, child
        yield from walk(child, path + "/")


def values(ff: FindingsFile, root: ET.Element) -> Iterator[Value]:
    """Every non-empty element text of every record, verbatim (after XML character decoding)."""
    for rec, el in records(ff, root):
        for path, child in walk(el, ""):
            if child.text is not None and child.text.strip():
                yield Value(rec, path, child.text)


def read(path: Path | str) -> list[Value]:
    """Verify, parse and list one file's values (nothing is returned if the file is refused)."""
    ff, root = load(path)
    return list(values(ff, root))


def find_files(directory: Path | str, years: Iterable[int] = YEARS) -> list[Path]:
    """The files of ``years`` in ``directory``; a missing one is an InputError."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    out = []
    for y in years:
        if y not in KNOWN_SHA256:
            raise InputError(f"reporting year {y} is not one of {YEARS[0]}-{YEARS[-1]}")
        p = directory / file_name(y)
        if not p.is_file():
            raise InputError(f"{p}: missing")
        out.append(p)
    return out
