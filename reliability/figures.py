"""The figures of a run: each part's counts, the summary table and the JSON written."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from reliability.checks import Findings

# The summary's columns, in the order of docs/reliability.md.
COUNTS = (
    "kills",
    "sales",
    "lost",
    "partial",
    "ledger_mismatches",
    "lock_errors_shown",
    "inputs_tried",
    "crashes",
)


@dataclass
class PartResult:
    name: str
    seconds: float = 0.0
    kills: int = 0
    sales: int = 0  # sales committed by the part's lanes
    lost: int = 0
    partial: int = 0
    ledger_mismatches: int = 0
    lock_errors_shown: int = 0
    inputs_tried: int = 0
    crashes: int = 0
    # What else the part measured (refusals, faults said, the import's locks...).
    details: dict[str, Any] = field(default_factory=dict)
    # Every broken promise, in words (first few of each kind).
    problems: list[str] = field(default_factory=list)

    def add_findings(self, found: Findings) -> None:
        self.lost += len(found.lost)
        self.partial += len(found.partial)
        self.ledger_mismatches += len(found.ledger_mismatches)
        self.problems += found.problems[:20]

    def problem(self, text: str) -> None:
        self.problems.append(text)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(
            getattr(self, k) for k in ("lost", "partial", "ledger_mismatches", "crashes")
        )


def summary(parts: list[PartResult]) -> dict[str, int]:
    return {key: sum(int(getattr(p, key)) for p in parts) for key in COUNTS}


def table(parts: list[PartResult]) -> str:
    head = ["part", *COUNTS, "seconds"]
    rows = [[p.name, *(str(getattr(p, k)) for k in COUNTS), f"{p.seconds:.1f}"] for p in parts]
    total = summary(parts)
    rows.append(["total", *(str(total[k]) for k in COUNTS), f"{sum(p.seconds for p in parts):.1f}"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def as_json(
    mode: str, seed: int, parts: list[PartResult], machine: dict[str, Any]
) -> dict[str, Any]:
    return {
        "mode": mode,
        "seed": seed,
        "machine": machine,
        "summary": summary(parts),
        "ok": all(p.ok for p in parts),
        "parts": {p.name: asdict(p) for p in parts},
    }
