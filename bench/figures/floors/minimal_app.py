"""The cold-start floor: a minimal Textual app, ready when its one Input is on screen."""

from textual.app import App, ComposeResult
from textual.widgets import Input


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="Scan or type barcode")


if __name__ == "__main__":
    Minimal().run()
