"""The suite's test data, as the published suite keeps it in data.xml: `[globaldata]` for every
case and `[testcase."<id>"]` for one case, with the published parameter names (patientId,
patientIdType, careUnitHSAId, ChainIdRoot, ...). The built-in mocks' data is in
`mocks/<upstream>.toml` beside this file; for a real producer, `etjanst contracts --data FILE`.

The endpoint, LogicalAddress and consumer HSA id (globaldata's webServiceUrl, logicalAddress,
httpHeaderHsaId) come from the target's settings instead.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

MOCKS_DATA = Path(__file__).resolve().parent / "mocks"


class DataFileError(Exception):
    """The data file cannot be used; the message says why."""


@dataclass(frozen=True)
class SuiteData:
    globaldata: Mapping[str, str]
    cases: Mapping[str, Mapping[str, str]]
    source: str  # where the data comes from, for reports

    def for_case(self, case_id: str) -> CaseData:
        return CaseData(case_id, {**self.globaldata, **self.cases.get(case_id, {})}, self.source)


@dataclass(frozen=True)
class CaseData:
    case_id: str
    values: Mapping[str, str]
    source: str

    def __getitem__(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            pytest.fail(
                f"{self.case_id} needs {name}: set it in [globaldata] or "
                f'[testcase."{self.case_id}"] of {self.source}',
                pytrace=False,
            )
        return value

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def load(path: Path) -> SuiteData:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"{path}: {exc}") from exc
    unknown = sorted(set(document) - {"globaldata", "testcase"})
    if unknown:
        raise DataFileError(f"{path}: unknown table(s) {', '.join(unknown)}")
    cases = document.get("testcase", {})
    tables = [document.get("globaldata", {}), *cases.values()]
    if not all(isinstance(t, dict) for t in tables):
        raise DataFileError(f'{path}: [globaldata] and [testcase."<id>"] must be tables')
    return SuiteData(
        globaldata=_strings(document.get("globaldata", {})),
        cases={case: _strings(values) for case, values in cases.items()},
        source=str(path),
    )


def _strings(table: Mapping[str, object]) -> dict[str, str]:
    return {key: str(value) for key, value in table.items()}
