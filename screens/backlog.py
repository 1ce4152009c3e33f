"""The Backlog screen: open notes in triage order, with the checklist for the one you write."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from screens.footer import Footer
from screens.item_form import ItemForm
from screens.late_entry import LateEntry
from screens.mark_done import MarkDone, Marked
from screens.messages import DataChanged, OutsideChange, WorkFailed
from screens.work import Workplace, store_work
from screens.workspace import workspace
from tracker import backlog, checkin, checklists, entries, handoff, rules
from tracker.errors import InputError
from tracker.models import Item
from tracker.words import plural
from tracker.workspace import Workspace

TIER_FILTERS: list[int | None] = [None, 1, 2, 3, 4, 5]
SHORT_MARKS = {"payer window closed": "payer closed", "late entry": "late"}
OWNER_WORDS = {"me": "yours to act on only", "others": "waiting on others only, by who acts"}
HEADING = "heading:"  # row keys of headings: a note type, or nothing for "waiting on others"


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
| d | mark it written now; a late one asks its reason (and, high-risk, if from memory), then shows the late-entry line, c copies it |
| f | filter by tier: all, P1 ... P5 |
| y | filter by note type |
| g | group by note type, to stay in one frame of mind |
| h | whose move: all, yours (to write, coding queries), others' (grouped by who acts) |"""

    CSS_PATH = "backlog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "done", "Done"),
        Binding("f", "filter_tier", "Tier"),
        Binding("y", "filter_type", "Type"),
        Binding("g", "group", "Group"),
        Binding("h", "filter_owner", "Hand-offs", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.tier_filter: int | None = None
        self.type_filter: str | None = None
        self.by_type = False
        self.owner_filter: str | None = None
        self.rows: dict[str, backlog.Row] = {}
        self.lists: dict[str, list[str]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="backlog-summary")
        yield DataTable(id="backlog-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="backlog-below"):
            yield Static("", id="backlog-checklist", classes="panel")
            yield Static("", id="backlog-blocked", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", key="id")
        table.add_column("P", key="tier")
        table.add_column("Type", key="type")
        table.add_column("Session", key="session")
        table.add_column("Age", key="age")
        table.add_column("Due", key="due")
        table.add_column("Marks", key="marks")
        self.query_one("#backlog-blocked").border_title = "Waiting on others"
        try:
            self.lists = checklists.load(workspace(self).home)
        except InputError as exc:
            self.lists = {}
            self.notify(str(exc), title="Checklists not loaded", severity="warning")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        # Another screen (or the CLI) may have changed the items meanwhile.
        if self.is_mounted:
            self.reload()

    # -- showing ------------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        ws = workspace(self)
        table = self.query_one(DataTable)
        if keep is None and table.row_count:
            keep = self._current_key()
        listing = backlog.build(
            ws.store.items(open_only=True),
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
        table.clear()
        group = None
        for r in listing.rows:
            if self.by_type and r.item.note_type != group:
                group = r.item.note_type
                count = sum(1 for x in listing.rows if x.item.note_type == group)
                heading = Text(group.replace("_", " "), style="bold underline")
                notes = Text(plural(count, "note"), style="italic")
                table.add_row("", "", heading, notes, "", "", "", key=f"{HEADING}{group}")
            table.add_row(*self._cells(r), key=str(r.item.id))
        if listing.blocked:
            # Apart from the backlog, but in the table so they can be edited or unblocked.
            count = len(listing.blocked)
            table.add_row(
                "",
                "",
                Text("blocked", style="bold underline"),
                Text(plural(count, "note"), style="italic"),
                "",
                "",
                Text("waiting on others", style="italic"),
                key=HEADING,
            )
            for r in listing.blocked:
                table.add_row(*self._cells(r), key=str(r.item.id))
        if keep is not None:
            keys = [row.key.value for row in table.ordered_rows]
            if keep in keys:
                table.move_cursor(row=keys.index(keep))
        self._show_summary(listing)
        self._show_blocked(listing)
        self._show_checklist()

    def _cells(self, r: backlog.Row) -> list[Any]:
        marks = ", ".join(SHORT_MARKS.get(m, m) for m in r.marks)
        if r.waiting_days is not None:  # waiting on someone else
            marks = f"on {(r.item.blocked_on or '').replace('_', ' ')} {r.waiting_days}d"
            marks += " · chase it" if r.chase else ""
        session = r.item.session_date.strftime("%d %b")
        if r.item.session_time:
            session += r.item.session_time.strftime(" %H:%M")
        due = backlog.due_text(r.due)[4:]  # without the weekday, to fit 80 columns
        return [
            Text(str(r.item.id), justify="right"),
            f"P{r.tier}",
            r.item.note_type.replace("_", " "),
            session,
            Text(f"{r.age_days}d", justify="right"),
            due,
            Text(marks, style="bold" if r.breach else ""),
        ]

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
        if self.type_filter:
            shown.append(f"{self.type_filter.replace('_', ' ')} only")
        if self.by_type:
            shown.append("grouped by type")
        if self.owner_filter:
            shown.append(OWNER_WORDS[self.owner_filter])
        if shown:
            text.append(f"\nShowing {', '.join(shown)}", style="bold")
            if not listing.rows and (self.tier_filter or self.type_filter):
                text.append(": none match (f and y change the filters)")
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
        key = self._current_key()
        if key is None:
            note_type, label = "default", "any note"
        elif key.startswith(HEADING):
            note_type = key.removeprefix(HEADING) or "default"
            label = "any note" if note_type == "default" else note_type.replace("_", " ")
        else:
            item = self.rows[key].item
            note_type, label = item.note_type, f"{item.note_type.replace('_', ' ')} #{item.id}"
        panel.border_title = f"Good-enough note · {label}"
        lines = checklists.for_type(self.lists, note_type)
        panel.update("\n".join(f"☐ {line}" for line in lines) or "No checklist.")

    def _current_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def _current_row(self) -> backlog.Row | None:
        key = self._current_key()
        if key is None or key.startswith(HEADING):
            self.notify("Move to a note first (arrow keys).", title="No note chosen")
            return None
        return self.rows[key]

    @on(DataTable.RowHighlighted)
    def highlighted(self) -> None:
        self._show_checklist()

    # -- actions ------------------------------------------------------------------------------

    def action_add(self) -> None:
        ws = workspace(self)
        self.app.push_screen(ItemForm(ws.settings, ws.now()), self._saved_form)

    @on(DataTable.RowSelected)
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
        summary = (
            f"Note #{item.id}: {item.note_type.replace('_', ' ')}, "
            f"session {backlog.session_text(item)}"
        )
        if item.client_ref:
            summary += f" ({item.client_ref})"

        def answered(marked: Marked | None) -> None:
            if marked is not None:
                self.mark_done(item, marked)

        reason = workspace(self).settings.rules.late_entry_reason
        self.app.push_screen(MarkDone(summary, row.late_entry, reason, item.high_risk), answered)

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

    @store_work("item", group="backlog")
    def save_item(self, ws: Workspace, item: Item, changed: list[str]) -> DataChanged:
        placement = None
        if item.id is None:
            (placed,) = ws.store.add_notes([item], ws.now())
            item_id, placement = placed.id, checkin.placement_words([placed])
        else:
            # Only the fields the form changed, onto the note as stored now: the row may be
            # stale (a sprint block or the CLI may have marked the note written since).
            fields = {n: getattr(item, n) for n in changed}
            entries.save_edit(ws.store, item.id, fields, ws.settings, ws.now())
            item_id = item.id
        return DataChanged("item", {"id": item_id, "placement": placement})

    @store_work("done", group="backlog")
    def mark_done(self, ws: Workspace, item: Item, marked: Marked) -> DataChanged:
        at: datetime = ws.now()
        r = ws.settings.rules

        def notate(fresh: Item) -> str | None:
            late = rules.late_notations([fresh], at, r, ws.tz, marked.reason, marked.from_memory)
            return late.get(fresh.id or 0)

        assert item.id is not None  # a listed note is a stored one
        (done,) = ws.store.mark_done([item.id], at, notate)
        return DataChanged("done", {"id": done.id, "notation": done.notation})

    @on(OutsideChange)
    def outside(self) -> None:
        self.reload()

    @on(DataChanged)
    def changed(self, message: DataChanged) -> None:
        item_id = message.detail["id"]
        self.reload(keep=str(item_id) if message.what == "item" else None)
        if message.what == "done":
            notation = message.detail.get("notation")
            if notation:
                self.app.push_screen(LateEntry([(item_id, notation)]))
            else:
                self.notify(f"Note #{item_id} written. Each one is progress.", title="Done")
        elif message.what == "item":
            placement = message.detail.get("placement")
            self.notify(f"Note #{item_id} saved. {placement or ''}".strip(), title="Saved")

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        self.notify(message.error, title="Not saved", severity="error")
