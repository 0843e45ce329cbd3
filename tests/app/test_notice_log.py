"""The notice log's rules (screens/notices.py), one by one; the lane's use of them is in
test_notices_80x24.py."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from pos_tui.screens.notices import (
    Notice,
    NoticeLog,
    line_text,
    notice_rows,
    plain_message,
    said_already,
    takes_the_line,
)

AT = datetime(2026, 11, 24, 10, 30, 5)


def notice(text: str, severity: str = "information", title: str = "Printer") -> Notice:
    return Notice(text, title, severity, AT, "line")  # type: ignore[arg-type]


def test_the_line_keeps_the_count_on_screen_and_marks_errors() -> None:
    paper = notice("Paper out", "error")
    assert line_text(paper, 0, 78) == "Printer: Paper out"
    assert line_text(paper, 2, 78) == "Printer: Paper out · 2 more: F1"
    long = notice("x" * 100, "warning")
    shown = line_text(long, 1, 40)
    assert shown.endswith("… · 1 more: F1") and len(shown) + 2 == 40  # "! " before it
    assert paper.error and long.error and not notice("Ready").error


def test_what_a_screen_said_itself_keeps_the_line() -> None:
    resting = "F2 customer · F5 pay · F1 every key"
    assert takes_the_line(Text(resting), resting, "")
    assert takes_the_line(Text("! Printer: Paper out"), resting, "Printer: Paper out")
    assert not takes_the_line(Text("Sale 2 complete · change 0.00"), resting, "Printer: x")
    refused = notice("Nothing to pay: scan an item first", "error", "Refused")
    assert said_already(Text("! Nothing to pay: scan an item first"), refused)
    assert not said_already(Text(resting), refused)


def test_newest_first_toasts_alive_and_the_count_per_key() -> None:
    log = NoticeLog(keep=3)
    for word in ("one", "two", "three", "four"):
        log.add(notice(word))
    assert [n.text for n in log.recent(2)] == ["four", "three"]
    assert [n.text for n in log] == ["two", "three", "four"]  # the oldest dropped
    toast = log.add(Notice("toast", "", "information", AT, "toast", until=10.0))
    assert log.live_toasts(5.0) == [toast] and log.live_toasts(11.0) == []
    held = notice("Paper out", "error")
    log.on_line_since_key, log.held_error = 3, held
    assert log.key_arrived() is held and log.on_line_since_key == 0
    assert log.key_arrived() is None


def test_words_are_plain_and_f1_marks_errors_in_words() -> None:
    assert plain_message("[b]Saved[/b] screenshot", markup=True) == "Saved screenshot"
    assert plain_message("[red]Bob[/red]\x1b", markup=False) == "[red]Bob[/red]\\x1b"
    [(time, title, words)] = notice_rows([notice("Paper out", "error")])
    assert (time.plain, title.plain, words.plain) == ("10:30:05", "! Printer", "Paper out")
    [(_, info, _)] = notice_rows([notice("Ready")])
    assert info.plain == "  Printer"
