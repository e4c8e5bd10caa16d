"""What the app's screens share: the session they show and a typed handle on the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from ..session import Session

if TYPE_CHECKING:
    from ..app import CitelensApp


class CitelensScreen(Screen[None]):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    @property
    def citelens(self) -> CitelensApp:
        return cast("CitelensApp", self.app)
