"""No identity number reaches a log line unmasked, whichever logger writes it (the upstream wire
log has whole envelopes at DEBUG): every record is masked when it is created."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from contracts.privacy import mask_text

_installed = False


def install_identity_masking() -> None:
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.msg, record.args = mask_text(record.getMessage()), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask_text("".join(traceback.format_exception(*record.exc_info)))
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True
