"""The reference list: every entry of the article's reference list with its status."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from citelens.store import StoredReference

from ..styling import reference_prompt


class ReferenceList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    class ReferenceHighlighted(Message):
        """The cursor moved to reference `index`."""

        def __init__(self, reference_list: ReferenceList, index: int | None) -> None:
            super().__init__()
            self.reference_list = reference_list
            self.index = index

        @property
        def control(self) -> ReferenceList:
            return self.reference_list

    @property
    def highlighted_index(self) -> int | None:
        option = self.highlighted_option
        return int(option.id) if option is not None and option.id is not None else None

    def show_references(self, references: list[StoredReference], keep: int | None = None) -> None:
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(Option(reference_prompt(sr), id=str(sr.reference.index)) for sr in references)
            indices = [sr.reference.index for sr in references]
            target = keep if keep in indices else (indices[0] if indices else None)
            if target is not None:
                self.highlighted = self.get_option_index(str(target))
        self.post_message(self.ReferenceHighlighted(self, target))

    def refresh_reference(self, sr: StoredReference) -> None:
        try:
            self.replace_option_prompt(str(sr.reference.index), reference_prompt(sr))
        except OptionDoesNotExist:
            return

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.ReferenceHighlighted(self, int(event.option.id)))

