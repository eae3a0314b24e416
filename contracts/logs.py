"""Log lines that cannot be forged or leak identities, whichever logger writes them (the upstream
wire log has whole envelopes at DEBUG): every record is made safe when it is created.

- Identity numbers are masked (contracts/privacy.py).
- Control characters in the arguments are escaped (`\\n` becomes the two characters `\\n`): a
  newline in an upstream's faultstring or a request header cannot write a line of its own.
  Messages' format strings are ours; whatever comes from outside is logged as an argument.

Both the gateway and the mocks install it.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping
from typing import Any

from contracts.privacy import mask_text

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

_installed = False


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _safe(value: Any) -> Any:
    """Numbers stay numbers (for %d); anything else becomes its text, escaped."""
    return value if isinstance(value, int | float) else escape_controls(str(value))


def install_safe_logging() -> None:
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def safe_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if isinstance(record.args, Mapping):
            record.args = {key: _safe(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_safe(value) for value in record.args)
        record.msg, record.args = mask_text(record.getMessage()), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask_text("".join(traceback.format_exception(*record.exc_info)))
        return record

    logging.setLogRecordFactory(safe_record)
    _installed = True
