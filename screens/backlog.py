"""The Backlog screen: open notes in triage order, with the checklist for the one you write."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from screens.backlog_table import HEADING, WIDE, columns, entry_cells, matches, table_rows, widths
from screens.confirm import Confirm
from screens.footer import Footer
from screens.item_form import ItemForm
from screens.late_entry import LateEntry
from screens.mark_done import MarkDone, Marked
from screens.messages import DataChanged, OutsideChange, WorkFailed
from screens.note_table import NoteTable
from screens.reopen_pick import ReopenPick
from screens.work import Workplace, store_work
from screens.workspace import workspace
from tracker import backlog, checkin, checklists, entries, handoff, rules, undo
from tracker.errors import InputError
from tracker.models import Item
from tracker.settings import Settings
from tracker.workspace import Workspace

TIER_FILTERS: list[int | None] = [None, 1, 2, 3, 4, 5]
REOPEN_DAYS = 14
"""How far back the reopen list looks for notes marked written."""
OWNER_WORDS = {"me": "yours to act on only", "others": "waiting on others only, by who acts"}


class BacklogScreen(Workplace, Screen[None]):
    """Write the backlog down in the right order, one good-enough note at a time."""

    HELP = """\
## Backlog

Every open note in triage order: P1 court or legal, P2 billed with the note missing, P3 a
high-risk session, P4 routine, P5 admin; inside a tier, billed notes whose payer window is
closing first, then the most recent (`rules.within_tier`). The header counts notes per tier and
gives the backlog's goal for its age. Marks, in words: *past due* (the {hours}-hour rule), *late*
(written now, it needs a late-entry line), *payer closed* (past the payer window).

Beside the highlighted note: its good-enough checklist (edit `checklists.toml` in your data
folder to change it). Notes waiting on someone else come last, under their own heading, and
the panel beside lists them longest wait first, with *chase it* past the escalation age.

| Key | What it does |
| --- | --- |
| a | add a note you owe |
| e or Enter | edit the highlighted note (flags, blocker: "nobody" unblocks) |
| d | mark it written (now, or the time you type); a late one asks its reason (and, high-risk, if from memory), then shows the late-entry line: c sends it to the clipboard, s saves it to a file |
| x | delete the highlighted note (added by mistake), after you confirm |
| r | reopen a note marked written in the last two weeks, after you confirm |
| ctrl+z | undo the app's last change (add, edit, mark written, delete, reopen) |
| / | find notes by client reference (Enter or Esc back to the list) |
| h | hide or show client references for this session (`privacy.hide_refs` hides them from the start) |
| f | filter by tier: all, P1 ... P5 |
| y | filter by note type |
| g | group by note type, to stay in one frame of mind |
| H (shift+h) | whose move: all, yours (to write, coding queries), others' (grouped by who acts) |"""

    CSS_PATH = "backlog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "done", "Done"),
        Binding("x", "delete", "Delete"),
        Binding("r", "reopen", "Reopen"),
        Binding("slash", "find", "Find ref"),
        Binding("h", "hide_refs", "Refs"),
        Binding("f", "filter_tier", "Tier"),
        Binding("y", "filter_type", "Type"),
        Binding("g", "group", "Group"),
        Binding("H", "filter_owner", "Hand-offs", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.tier_filter: int | None = None
        self.type_filter: str | None = None
        self.by_type = False
        self.query_text = ""
        self.hide_refs = False
        self.hide_setting = False  # the setting as last read: a change of it wins over h
        self.wide = False
        self.owner_filter: str | None = None
        self.rows: dict[str, backlog.Row] = {}
        self.lists: dict[str, list[str]] = {}
        self.checklist_shown: str | None = None
        self.stamp: tuple[int, Settings, str] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="backlog-summary")
        yield Input(id="backlog-find", placeholder="client reference contains…", compact=True)
        yield NoteTable(highlighted=lambda _: self._show_checklist(), id="backlog-table")
        with Horizontal(id="backlog-below"):
            yield Static("", id="backlog-checklist", classes="panel")
            yield Static("", id="backlog-blocked", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(NoteTable)
        self.query_one("#backlog-blocked").border_title = "Waiting on others"
        self.hide_refs = self.hide_setting = workspace(self).settings.privacy.hide_refs
        self.wide = self.app.size.width >= WIDE
        try:
            self.lists = checklists.load(workspace(self).home)
        except InputError as exc:
            self.lists = {}
            self.notify(str(exc), title="Checklists not loaded", severity="warning")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        # Another screen (or the CLI) may have changed the items meanwhile. Textual resumes a
        # screen twice as its mode opens, right after the mount's reload: a second reload of
        # 2,000 notes doubled the time to show them.
        if self.is_mounted and self.stamp != self._stamp():
            self.reload()

    def _stamp(self) -> tuple[int, Settings, str]:
        """What the table shows depends on: the data, the settings (compared by value: an id
        can be reused once the old settings are gone), and the minute."""
        ws = workspace(self)
        return ws.store.data_version(), ws.settings, f"{ws.now():%Y-%m-%d %H:%M}"

    def on_resize(self, event: events.Resize) -> None:
        if (event.size.width >= WIDE) != self.wide:
            self.wide = not self.wide
            self.reload()

    # -- showing ------------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        ws = workspace(self)
        table = self.query_one(NoteTable)
        if keep is None:
            keep = table.current_key
        self.stamp = self._stamp()
        if ws.settings.privacy.hide_refs != self.hide_setting:
            self.hide_refs = self.hide_setting = ws.settings.privacy.hide_refs
        items = ws.store.items(open_only=True)
        if self.query_text:
            items = [i for i in items if matches(i.client_ref, self.query_text)]
        listing = backlog.build(
            items,
            ws.settings,
            ws.now(),
            tiers={self.tier_filter} if self.tier_filter else (),
            note_type=self.type_filter,
            by_type=self.by_type,
            owner=self.owner_filter,
        )
        if self.owner_filter == "others":  # one run per who acts, to pass on
            listing.blocked = handoff.by_who(listing.blocked)
        self.rows = {str(r.item.id): r for r in listing.rows + listing.blocked}
        labels = columns(self.wide, refs=not self.hide_refs)
        keys = [key for _, key in labels]
        rows = table_rows(listing, keys, self.by_type)
        row_keys = [key for key, _ in rows]
        at = row_keys.index(keep) if keep in row_keys else 0
        names = [label for label, _ in labels]
        sized = list(zip(names, widths(rows, keys, names), strict=True))
        table.show(sized, row_keys, lambda n: entry_cells(rows[n], keys), cursor=at)
        self._show_summary(listing)
        self._show_blocked(listing)
        self._show_checklist()

    def _show_summary(self, listing: backlog.Backlog) -> None:
        counts = "  ".join(f"P{t} {n}" for t, n in listing.tier_counts.items())
        text = Text()
        text.append(f"{listing.outstanding} outstanding  ", style="bold")
        text.append(f"{counts}  · {listing.blocked_count} blocked\n")
        tier = rules.backlog_tier(listing.oldest_age_days)
        if tier is None:
            text.append("Nothing outstanding: you are caught up. a adds a note you owe.")
        else:
            text.append(f"Oldest {listing.oldest_age_days}d, {rules.TIER_LABELS[tier]}: ")
            text.append(rules.TIER_GOALS[tier], style="italic")
        shown = [f"P{self.tier_filter} only"] if self.tier_filter else []
        if self.query_text:
            shown.append(f"client references holding {self.query_text!r}")
        if self.hide_refs:
            shown.append("client references hidden (h shows them)")
        if self.type_filter:
            shown.append(f"{self.type_filter.replace('_', ' ')} only")
        if self.by_type:
            shown.append("grouped by type")
        if self.owner_filter:
            shown.append(OWNER_WORDS[self.owner_filter])
        if shown:
            text.append(f"\nShowing {', '.join(shown)}", style="bold")
            if not listing.rows and (self.tier_filter or self.type_filter or self.query_text):
                keys = "f, y and /" if self.query_text else "f and y"
                text.append(f": none match ({keys} change the filters)")
        self.query_one("#backlog-summary", Static).update(text)

    def _show_blocked(self, listing: backlog.Backlog) -> None:
        panel = self.query_one("#backlog-blocked", Static)
        if not listing.blocked:
            panel.update(Text("Nothing waiting on others.", style="dim"))
            return
        text = Text()
        waiting = sorted(listing.blocked, key=lambda r: -(r.waiting_days or 0))
        shown = waiting[:3]  # two lines each fit the panel
        for r in shown:
            text.append(f"#{r.item.id} {(r.item.blocked_on or '').replace('_', ' ')}")
            text.append(" · chase it\n" if r.chase else "\n", style="bold")
            text.append(f"  {r.age_days}d old, waiting {r.waiting_days}d\n", style="dim")
        if len(listing.blocked) > len(shown):
            text.append(f"and {len(listing.blocked) - len(shown)} more, at the end of the list")
        panel.update(text)

    def _show_checklist(self) -> None:
        panel = self.query_one("#backlog-checklist", Static)
        key = self.query_one(NoteTable).current_key
        if key is None:
            note_type, label = "default", "any note"
        elif key.startswith(HEADING):
            note_type = key.removeprefix(HEADING) or "default"
            label = "any note" if note_type == "default" else note_type.replace("_", " ")
        else:
            item = self.rows[key].item
            note_type, label = item.note_type, f"{item.note_type.replace('_', ' ')} #{item.id}"
        # A cursor move changes the title; the list (and with it the layout) only with the type:
        # updating it on every move cost each move about 6 ms of layout.
        panel.border_title = f"Good-enough note · {label}"
        if self.checklist_shown != note_type:
            self.checklist_shown = note_type
            lines = checklists.for_type(self.lists, note_type)
            # Its size is set by the stylesheet: no layout (one cost a move ~6 ms at 80x24).
            panel.update("\n".join(f"☐ {line}" for line in lines) or "No checklist.", layout=False)

    def _current_row(self) -> backlog.Row | None:
        key = self.query_one(NoteTable).current_key
        if key is None or key.startswith(HEADING):
            self.notify("Move to a note first (arrow keys).", title="No note chosen")
            return None
        return self.rows[key]

    # -- actions ------------------------------------------------------------------------------

    def action_add(self) -> None:
        ws = workspace(self)
        self.app.push_screen(ItemForm(ws.settings, ws.now()), self._saved_form)

    @on(NoteTable.Selected)
    def action_edit(self) -> None:
        row = self._current_row()
        if row is None:
            return
        ws = workspace(self)
        self.app.push_screen(ItemForm(ws.settings, ws.now(), row.item), self._saved_form)

    def _saved_form(self, result: tuple[Item, list[str], str | None] | None) -> None:
        if result is None:
            return
        item, changed, warning = result
        if warning:
            self.notify(warning, title="Saved, but", severity="warning")
        if changed:
            self.save_item(item, changed)

    def action_done(self) -> None:
        row = self._current_row()
        if row is None:
            return
        item = row.item
        ws = workspace(self)
        now = ws.now()

        def moment(text: str) -> datetime:
            at = entries.parse_moment(text, ws.tz)
            entries.check_written_at(item, at, ws.now(), ws.tz)
            return at

        def answered(marked: Marked | None) -> None:
            if marked is not None:
                self.mark_done(item, marked)

        reason = ws.settings.rules.late_entry_reason
        dialog = MarkDone(
            self._about(item), row.late_entry, reason, item.high_risk, now=now, moment=moment
        )
        self.app.push_screen(dialog, answered)

    def _about(self, item: Item) -> str:
        """A note in words: its id, type, session, and its reference unless hidden."""
        about = (
            f"Note #{item.id}: {item.note_type.replace('_', ' ')}, "
            f"session {backlog.session_text(item)}"
        )
        return f"{about} ({item.client_ref})" if item.client_ref and not self.hide_refs else about

    def action_delete(self) -> None:
        row = self._current_row()
        if row is None:
            return
        item = row.item
        question = (
            f"{self._about(item)}.\nDelete it? Nothing of it is kept (a note from a check-in "
            "stays counted in its day's totals); ctrl+z undoes it."
        )

        def answered(yes: bool | None) -> None:
            if yes and item.id is not None:
                self.delete_notes([item.id])

        self.app.push_screen(Confirm("Delete a note", question, "Delete"), answered)

    def action_reopen(self) -> None:
        ws = workspace(self)
        since = ws.now().date() - timedelta(days=REOPEN_DAYS)
        written = [i for i in ws.store.items_open_since(since) if i.written_at is not None]
        written.sort(key=lambda i: (i.written_at, i.id or 0), reverse=True)

        def confirm(item: Item | None) -> None:
            if item is None or item.id is None:
                return
            question = (
                f"{self._about(item)}.\nReopen it? It loses its written time"
                + (" and its late-entry notation" if item.notation else "")
                + "; ctrl+z undoes it."
            )
            ids = [item.id]

            def answered(yes: bool | None) -> None:
                if yes:
                    self.reopen_notes(ids)

            self.app.push_screen(Confirm("Reopen a note", question, "Reopen"), answered)

        self.app.push_screen(ReopenPick(written[:50], self.hide_refs), confirm)

    def action_find(self) -> None:
        find = self.query_one("#backlog-find", Input)
        find.display = True
        find.focus()

    @on(Input.Changed, "#backlog-find")
    def find_typed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.query_text:
            self.query_text = event.value.strip()
            self.reload()

    @on(Input.Submitted, "#backlog-find")
    def find_done(self) -> None:
        self.query_one(NoteTable).focus()

    @on(events.DescendantBlur, "#backlog-find")
    def find_left(self) -> None:
        # An empty search goes away; one that filters stays in view, to say what is shown.
        find = self.query_one("#backlog-find", Input)
        if not find.value.strip():
            find.display = False

    def action_hide_refs(self) -> None:
        """Hide or show client references for this session (the setting is left as it is)."""
        self.hide_refs = not self.hide_refs
        self.reload()
        words = "hidden" if self.hide_refs else "shown"
        self.notify(f"Client references {words} until the app closes.", title="Privacy")

    def action_filter_tier(self) -> None:
        at = TIER_FILTERS.index(self.tier_filter)
        self.tier_filter = TIER_FILTERS[(at + 1) % len(TIER_FILTERS)]
        self.reload()

    def action_filter_type(self) -> None:
        types: list[str | None] = [None, *workspace(self).settings.rules.note_types]
        at = types.index(self.type_filter) if self.type_filter in types else 0
        self.type_filter = types[(at + 1) % len(types)]
        self.reload()

    def action_filter_owner(self) -> None:
        owners: list[str | None] = [None, *handoff.OWNERS]
        self.owner_filter = owners[(owners.index(self.owner_filter) + 1) % len(owners)]
        self.reload()

    def action_group(self) -> None:
        self.by_type = not self.by_type
        self.reload()

    # -- writing (in workers: each worker thread has its own long-lived connection) ------------
    # Each change comes back with its `undo.Change`: the app keeps the last one for ctrl+z.

    @store_work("item", group="backlog")
    def save_item(self, ws: Workspace, item: Item, changed: list[str]) -> DataChanged:
        placement = None
        if item.id is None:
            # The day's notes before and after: the new one may take an anonymous one's place.
            day = [
                i.id or 0
                for i in ws.store.items(since=item.session_date)
                if i.session_date == item.session_date and i.source == "count"
            ]
            placed, change = undo.record(
                ws.store,
                "",
                day,
                lambda: ws.store.add_notes([item], ws.now()),
                days=[item.session_date],  # its check-in may count it as one session more
            )
            item_id, placement = placed[0].id, checkin.placement_words(placed)
            change = undo.with_new(ws.store, change, [item_id])._replace(
                what=f"added note #{item_id}"
            )
        else:
            # Only the fields the form changed, onto the note as stored now: the row may be
            # stale (a sprint block or the CLI may have marked the note written since).
            fields = {n: getattr(item, n) for n in changed}
            item_id = item.id
            _, change = undo.record(
                ws.store,
                f"edited note #{item_id}",
                [item_id],
                lambda: entries.save_edit(ws.store, item_id, fields, ws.settings, ws.now()),
            )
        return DataChanged("item", {"id": item_id, "placement": placement, "change": change})

    @store_work("done", group="backlog")
    def mark_done(self, ws: Workspace, item: Item, marked: Marked) -> DataChanged:
        at: datetime = marked.at or ws.now()
        r = ws.settings.rules

        def notate(fresh: Item) -> str | None:
            late = rules.late_notations([fresh], at, r, ws.tz, marked.reason, marked.from_memory)
            return late.get(fresh.id or 0)

        assert item.id is not None  # a listed note is a stored one
        item_id = item.id
        (done,), change = undo.record(
            ws.store,
            f"marked note #{item_id} written",
            [item_id],
            lambda: ws.store.mark_done([item_id], at, notate),
        )
        return DataChanged("done", {"id": done.id, "notation": done.notation, "change": change})

    @store_work("delete", group="backlog")
    def delete_notes(self, ws: Workspace, ids: list[int]) -> DataChanged:
        change = undo.delete(ws.store, ids)
        return DataChanged("delete", {"id": ids[0], "change": change})

    @store_work("reopen", group="backlog")
    def reopen_notes(self, ws: Workspace, ids: list[int]) -> DataChanged:
        change = undo.reopen(ws.store, ids)
        return DataChanged("reopen", {"id": ids[0], "change": change})

    @on(OutsideChange)
    def outside(self) -> None:
        self.reload()

    @on(DataChanged)
    def changed(self, message: DataChanged) -> None:
        item_id = message.detail["id"]
        self.reload(keep=str(item_id) if message.what in ("item", "reopen") else None)
        if message.what == "done":
            notation = message.detail.get("notation")
            if notation:
                self.app.push_screen(LateEntry([(item_id, notation)]))
            else:
                self.notify(f"Note #{item_id} written. Each one is progress.", title="Done")
        elif message.what == "item":
            placement = message.detail.get("placement")
            self.notify(f"Note #{item_id} saved. {placement or ''}".strip(), title="Saved")
        elif message.what in ("delete", "reopen"):
            what = message.detail["change"].what
            self.notify(f"{what[0].upper()}{what[1:]}. ctrl+z undoes it.", title="Done")

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        self.notify(message.error, title="Not saved", severity="error")
