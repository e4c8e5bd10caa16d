"""The progress line shown while a check runs in the background."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar, Static


@dataclass(frozen=True)
class CheckState:
    """Where a running check is: `stage`, `done` of `total` steps (total None: not known yet)."""

    stage: str = "starting"
    done: int = 0
    total: int | None = None


class CheckBar(Horizontal):
    """Hidden unless a check runs; shows the stage and a progress bar."""

    def compose(self) -> ComposeResult:
        yield Label("checking", id="check-label")
        yield ProgressBar(show_eta=False, id="check-progress")

    def on_mount(self) -> None:
        self.display = False
        self.watch(self.app, "check_state", self.show_state)

    def show_state(self, state: CheckState | None) -> None:
        self.display = state is not None
        if state is None:
            return
        self.query_one("#check-label", Label).update(f"checking: {state.stage}")
        bar = self.query_one("#check-progress", ProgressBar)
        bar.update(total=state.total, progress=state.done)


class UncheckedBanner(Static):
    """A line across the screen while some references of the article could not be checked, and why."""

    def on_mount(self) -> None:
        self.watch(self.app, "revision", self.show_state)

    def show_state(self, _revision: int = 0) -> None:
        line = getattr(self.app, "unchecked_line", lambda: None)()
        self.display = line is not None
        if line:
            self.update(f"⚠ {line}")
