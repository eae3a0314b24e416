"""The population register's state: people (names, sex, protected identity, death) and the
relations between them (custody, parenthood), as a JSON document.

A relation is held once, between two people; each person's record shows it from their side, as
the register does (custody: `V` in the child's record, `VF` in the guardian's; parenthood:
`MO`/`FA`/`F` in the child's, `B` in the parent's).
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mocks.kit.fields import IdentityNumber

IDENTITY_PATTERN = r"^[0-9]{12}$"


class Resident(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: IdentityNumber
    label: str | None = Field(None, description="what this person is for, e.g. 'child-12'")
    givenName: str | None = Field(None, max_length=80, description="Fornamn: all given names")
    middleName: str | None = Field(None, max_length=40, description="Mellannamn")
    surname: str | None = Field(None, max_length=60, description="Efternamn")
    calledName: int | None = Field(
        None, ge=10, le=99, description="Tilltalsnamnsmarkering: 20 = the second given name"
    )
    sex: Literal["K", "M"] | None = Field(None, description="Kon: K woman, M man")
    protectedIdentity: bool = Field(
        False, description="Sekretessmarkering J: the record shows little more than the id"
    )
    deceasedOn: date | None = Field(None, description="Avregistrering AV on this day")
    county: str = Field(
        "06", pattern=r"^[0-9]{2}$", description="LanKod of the registered address (06 Jönköping)"
    )
    municipality: str = Field(
        "80", pattern=r"^[0-9]{2}$", description="KommunKod within the county (80 Jönköping)"
    )


class Custody(BaseModel):
    """`guardian` has custody of `child` from `fromDate` to `toDate` (both included)."""

    model_config = ConfigDict(extra="forbid")
    guardian: str = Field(pattern=IDENTITY_PATTERN)
    child: str = Field(pattern=IDENTITY_PATTERN)
    fromDate: date | None = None
    toDate: date | None = Field(None, description="the last day; None: still in custody")


class Parenthood(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parent: str = Field(pattern=IDENTITY_PATTERN)
    child: str = Field(pattern=IDENTITY_PATTERN)
    type: Literal["MO", "FA", "F"] = Field("F", description="mother, father, parent")


class PopulationDataset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    residents: list[Resident] = []
    custody: list[Custody] = []
    parents: list[Parenthood] = []

    @model_validator(mode="after")
    def _consistent(self) -> PopulationDataset:
        known = [r.id for r in self.residents]
        if len(set(known)) != len(known):
            raise ValueError("each resident id may appear only once")
        for relation in [*self.custody, *self.parents]:
            ends = relation.model_dump(include={"guardian", "parent", "child"}).values()
            if not set(ends) <= set(known):
                raise ValueError("every relation must join two residents of the dataset")
        return self

    @cached_property
    def by_id(self) -> dict[str, Resident]:
        return {r.id: r for r in self.residents}
