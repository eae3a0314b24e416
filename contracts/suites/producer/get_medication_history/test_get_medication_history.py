"""The GetMedicationHistory 2.1 producer test suite: its cases are in cases.py, and conftest.py
turns `test_cases` into one test per case, named by the case's id."""


def test_cases() -> None:
    """Stands for every case of cases.CASES (see conftest.pytest_pycollect_makeitem)."""
