"""Prompts that change the sale and never lose what was typed (docs/lane.md, "Prompts and
messages").

What the prompt can check itself (a quantity that is no number, a discount over 100%) it checks
before it closes, with the checkout's own functions (``services/checkout/errors.py``), and says
on the prompt. A refusal by the checkout that stands (after a supervisor, if one may lift it)
opens the prompt again at once with what was typed and the refusal said on it. Escape cancels.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from pos_tui.screens.dialogs import Check, Field, Problem, PromptScreen
from pos_tui.screens.lane import LaneScreen
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.checkout.sale_view import SaleView
from pos_tui.services.staff.auth import Employee

# A change the values ask for: what to run (given a supervisor who approved it, or None) and
# what it is, for the supervisor's prompt and audit row. None: nothing to change.
Change = tuple[Callable[[Employee | None], object], str]


def typed_check(field: str, parse: Callable[[str], object]) -> Check:
    """The prompt's check of ``field`` by the checkout's own reader of it: what the reader
    refuses is said on the prompt in the checkout's words. An empty field passes (cancel)."""

    def check(values: dict[str, str]) -> Problem | None:
        text = values.get(field, "")
        if not text:
            return None
        try:
            parse(text)
        except CheckoutError as exc:
            return Problem(exc.message, field)
        return None

    return check


def required(field: str, message: str) -> Check:
    """The prompt's check that ``field`` is not left empty."""

    def check(values: dict[str, str]) -> Problem | None:
        return None if values.get(field) else Problem(message, field)

    return check


def with_values(fields: list[Field], typed: dict[str, str] | None) -> list[Field]:
    """The fields with what was typed in them (a prompt opened again)."""
    if not typed:
        return fields
    return [replace(f, value=typed[f.name]) if f.name in typed else f for f in fields]


def ask_change(
    screen: LaneScreen[Any],
    co: Checkout,
    title: str,
    fields: list[Field],
    change: Callable[[dict[str, str]], Change | None],
    *,
    done: Callable[[SaleView], Awaitable[None] | None],
    check: Check | None = None,
    precheck: Callable[[], object] | None = None,
    typed: dict[str, str] | None = None,
    message: str = "",
) -> None:
    """Ask for ``fields``, then make the ``change`` they give through ``screen.guarded``; a
    refusal that stands asks again with ``typed`` (the values) and the refusal as ``message``.
    ``precheck`` runs on the database thread as the prompt opens (it opens at once, so the keys
    typed after the one that opened it reach it): what it refuses, no value typed could change,
    so the prompt closes with the refusal on the message line before anything more is typed."""

    def entered(values: dict[str, str] | None) -> None:
        made = change(values) if values is not None else None
        if values is None or made is None:
            return  # Escape, or nothing typed: nothing to change
        op, reason = made

        def refused(exc: CheckoutError) -> None:
            ask_change(
                screen, co, title, fields, change,
                done=done, check=check, typed=values, message=exc.message,
            )  # fmt: skip

        screen.guarded(co, op, reason=reason, done=done, refused=refused)

    prompt = PromptScreen(title, with_values(fields, typed), message=message, check=check)
    screen.app.push_screen(prompt, entered)
    if precheck is not None and typed is None:
        screen.run_worker(prechecked(screen, prompt, precheck), group="prompt-precheck")


async def prechecked(
    screen: LaneScreen[Any], prompt: PromptScreen, precheck: Callable[[], object]
) -> None:
    """Run ``precheck`` on the database thread; a refusal closes ``prompt`` (still on top)
    before more is typed into it, said on the screen's message line."""
    ok, _ = await screen.attempt(precheck)
    if not ok and prompt.is_attached and screen.app.screen is prompt:
        prompt.dismiss(None)  # the refusal is on the message line
