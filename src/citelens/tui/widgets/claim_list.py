"""The claim list: claims grouped under their section headings, each with its status badge."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from citelens.store import StoredClaim

from ..styling import claim_prompt, section_prompt

SECTION_PREFIX = "section:"


class ClaimList(OptionList):
    """Claims in article order, with a disabled heading option before each section."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    class ClaimHighlighted(Message):
        """The cursor moved to a claim (claim_id None: the list is empty)."""

        def __init__(self, claim_list: ClaimList, claim_id: str | None) -> None:
            super().__init__()
            self.claim_list = claim_list
            self.claim_id = claim_id

        @property
        def control(self) -> ClaimList:
            return self.claim_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.claim_count = 0
        self._claims: list[StoredClaim] = []
        self._width = 0

    def _prompt_width(self) -> int:
        """Cells per line for a claim (0 before the first layout)."""
        return max(0, self.scrollable_content_region.width - 1)

    def on_resize(self) -> None:
        width = self._prompt_width()
        if width and width != self._width and self._claims:
            self.show_claims(self._claims, keep=self.highlighted_claim_id)

    @property
    def highlighted_claim_id(self) -> str | None:
        option = self.highlighted_option
        if option is None or option.id is None or option.id.startswith(SECTION_PREFIX):
            return None
        return option.id

    def show_claims(self, claims: list[StoredClaim], keep: str | None = None) -> None:
        """Replace the list; keep the cursor on claim `keep` when it is still shown, else the first claim."""
        options: list[Option] = []
        self._claims = claims
        self._width = width = self._prompt_width()
        by_section: dict[str, list[StoredClaim]] = {}
        for sc in claims:
            by_section.setdefault(sc.claim.section, []).append(sc)
        for number, (section, members) in enumerate(by_section.items()):
            options.append(Option(section_prompt(section, len(members)), id=f"{SECTION_PREFIX}{number}",
                                  disabled=True))
            options.extend(Option(claim_prompt(sc, width), id=sc.claim.id) for sc in members)
        self.claim_count = len(claims)
        shown = {sc.claim.id for sc in claims}
        # the cursor starts on the first claim that has a source (most claims cite nothing)
        first = next((sc.claim.id for sc in claims if sc.references), claims[0].claim.id if claims else None)
        target = keep if keep in shown else first
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            if target is not None:
                self.highlighted = self.get_option_index(target)
        self.post_message(self.ClaimHighlighted(self, target))

    def refresh_claim(self, sc: StoredClaim) -> None:
        """Redraw one claim's line (after a verdict)."""
        try:
            self.replace_option_prompt(sc.claim.id, claim_prompt(sc, self._width))
        except OptionDoesNotExist:  # the claim is filtered out
            return

    @on(OptionList.OptionHighlighted)
    def _claim_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        option_id = event.option.id
        if option_id is not None and not option_id.startswith(SECTION_PREFIX):
            self.post_message(self.ClaimHighlighted(self, option_id))
