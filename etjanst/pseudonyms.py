"""Consistent synthetic stand-ins for personal data in recorded upstream traffic: identity
numbers, names, addresses, phone numbers and e-mail addresses. Within one recording the same
real value always becomes the same synthetic one, so recorded exchanges still fit together (a
patient's request and answer, a guardian and the child). The key is random per recording and
never written anywhere, so the recording cannot be reversed by trying numbers.

An identity number keeps its birth date (age rules depend on it) and its kind (samordningsnummer
stays day + 60): only the serial and the check digit change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from typing import Any

from lxml import etree
from stdnum import luhn

from contracts.riv import SAFE_PARSER

IDENTITY = re.compile(r"(?<![0-9])((?:19|20)[0-9]{6})([-+]?)([0-9]{4})(?![0-9])")
# Element and field names (lower case, namespace-free) whose text is personal.
PERSONAL = {
    *("fornamn", "mellannamn", "efternamn", "aviseringsnamn", "tilltalsnamn"),
    *("firstname", "middlename", "lastname", "given", "family", "patientname", "fullname"),
    *("phone", "telephone", "telefon", "mobile", "mobilnummer", "email", "epost"),
    *("address", "adress", "coaddress", "utdelningsadress1", "utdelningsadress2"),
    *("postnummer", "postort", "street", "city", "postalcode", "line"),
}
CONTACT_SYSTEMS = {"phone", "email", "sms", "fax", "pager"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
FIRST_NAMES = ("Alva", "Maja", "Elsa", "Noah", "Hugo", "Liam", "Saga", "Nils", "Ebba", "Otto")
LAST_NAMES = ("Andersson", "Berg", "Lind", "Holm", "Ek", "Sjöberg", "Nyström", "Falk")


class Pseudonyms:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _digest(self, value: str) -> int:
        return int.from_bytes(hmac.new(self._key, value.encode(), hashlib.sha256).digest()[:8])

    def identity(self, number: str) -> str:
        """A valid synthetic number with the same birth date, kind and sex digit's parity."""
        digest = self._digest(number)
        parity = int(number[10]) % 2  # the serial's last digit: odd for men, even for women
        while True:  # never the real number itself
            first = f"{number[:8]}{digest % 100:02d}{parity + 2 * (digest // 100 % 5)}"
            synthetic = first + luhn.calc_check_digit(first[2:])
            if synthetic != number:
                return synthetic
            digest += 1

    def text(self, text: str) -> str:
        """Every identity number in the text replaced (separators kept)."""
        return IDENTITY.sub(lambda m: self._replaced(m.group(1) + m.group(3), m.group(2)), text)

    def _replaced(self, number: str, separator: str) -> str:
        synthetic = self.identity(number)
        return synthetic[:8] + separator + synthetic[8:] if separator else synthetic

    def personal(self, field: str, value: str) -> str:
        """A synthetic value for a personal field, by its name."""
        digest = self._digest(f"{field}:{value}")
        name = field.lower()
        if "mail" in name or "epost" in name:
            return f"person{digest % 10000:04d}@example.invalid"
        if (
            "phone" in name
            or "telefon" in name
            or "mobil" in name
            or name in {"sms", "fax", "pager"}
        ):
            return f"070-{digest % 10_000_000:07d}"
        if name in {"efternamn", "lastname", "family"}:
            return LAST_NAMES[digest % len(LAST_NAMES)]
        if "namn" in name or "name" in name or name == "given":
            return FIRST_NAMES[digest % len(FIRST_NAMES)]
        if name == "postnummer" or name == "postalcode":
            return f"{digest % 90000 + 10000}"
        return f"Syntetgatan {digest % 99 + 1}"

    def xml(self, body: bytes) -> bytes:
        """An XML document with personal fields and identity numbers replaced; a body that is
        not XML is treated as text."""
        try:
            document = etree.fromstring(body, SAFE_PARSER)
        except etree.XMLSyntaxError:
            return self.text(body.decode("utf-8", "replace")).encode()
        for element in document.iter():
            if not isinstance(element.tag, str):
                continue
            if element.text and element.text.strip():
                local = etree.QName(element).localname
                element.text = (
                    self.personal(local, element.text)
                    if local.lower() in PERSONAL
                    else self.text(element.text)
                )
            for attribute, value in element.attrib.items():
                element.attrib[attribute] = self.text(value)
        return etree.tostring(document, xml_declaration=True, encoding="UTF-8")

    def json(self, body: bytes) -> bytes:
        try:
            document = json.loads(body)
        except ValueError:
            return self.text(body.decode("utf-8", "replace")).encode()
        return json.dumps(self._json_value(None, document), ensure_ascii=False).encode()

    def _json_value(self, key: str | None, value: Any) -> Any:
        if isinstance(value, dict):
            # a FHIR ContactPoint: {"system": "phone", "value": "070-..."}
            system = value.get("system") if isinstance(value.get("system"), str) else None
            return {
                k: self.personal(system, v)
                if system in CONTACT_SYSTEMS and k == "value" and isinstance(v, str)
                else self._json_value(k, v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._json_value(key, v) for v in value]
        if isinstance(value, str):
            if key is not None and key.lower() in PERSONAL:
                return self.personal(key, value)
            return self.text(value)
        return value

    def body(self, body: bytes, content_type: str) -> bytes:
        return self.json(body) if "json" in content_type else self.xml(body)
