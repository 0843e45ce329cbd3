"""Print jobs of kind ``report``: an X report (its data as taken) or the opening float slip."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts.report_text import float_document, report_document

if TYPE_CHECKING:
    from pos_tui.hardware.receipt_text import ReceiptDocument


def report_job_document(backend: Backend, stored: Any) -> ReceiptDocument:
    doc = json.loads(stored) if isinstance(stored, str) else dict(stored)
    if doc.get("report") == "float":
        shift = backend.shifts.get(int(doc["shift_id"]))
        if shift is None:
            raise KeyError(f"no shift {doc['shift_id']}")
        return float_document(backend, shift)
    if doc.get("report") == "X":
        return report_document(backend, doc["data"], copy=False)
    raise KeyError(f"not a report job: {doc.get('report')!r}")
