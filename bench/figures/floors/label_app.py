"""The cold-start floor: a Textual app with one Label, ready when the Label is on screen.

Its text is the sign-in screen's prompt, so both programs are timed to the same words."""

from textual.app import App, ComposeResult
from textual.widgets import Label


class OneLabel(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("Employee number")


if __name__ == "__main__":
    OneLabel().run()
