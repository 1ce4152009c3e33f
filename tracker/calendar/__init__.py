"""Sessions from the calendar the user already keeps (issue 23): the core, without CLI or store.

Modules, one idea each (none is imported on the `status`/`log` paths; `reading` and `slots`
import icalendar, recurring-ical-events, x-wr-timezone and holidays inside their functions):

- `feed`: `fetch(source)` -> the bytes of a file path or a private https/webcal feed URL (short
  timeout, size limit, every failure one InputError); `describe(source)` names it in messages
  without the feed's secret token.
- `sessions`: `CalendarRules` (which events are sessions and what they become: the future
  `calendar.*` settings), and the plain records `Session`, `Skipped`, `Window`, `Reading`.
- `reading`: `read_sessions(data, rules, since, now, tz, name)` -> `Reading` (sessions of the
  window, skipped instances by reason, the span the feed covers, `preview()` for --preview);
  `read_busy(data, tz, start, end)` -> the busy intervals ahead, for free slots.
- `scan`, `series`: what `reading` uses (a cheap pre-pass over the file; the light adapter to
  recurring-ical-events).
- `sync`: `plan_sync(sessions, covers, existing, tz, skipped)` -> `SyncPlan` (adds, moves,
  removals, kept, each with its reason). Pure.
- `slots`: `free_slots(busy, first, last, minutes, tz, now, work_hours, days_off, holidays)` ->
  `FreeTime` (slots, and the days skipped with why); `public_holidays(country, first, last)`.

- `apply`: `run(store, settings.calendar, source, now, tz)` fetches and reads outside any write
  lock, then plans and applies the sync in one transaction (`calendar import/sync`, the app,
  `remind` through `sync_quietly`, `log` without --sessions). The store's side is
  `tracker.store.calendar` (source 'calendar', import_key 'cal:' + the key, minutes, cpt; an
  item the user edits becomes source 'item', so sync leaves it alone); `sync.adopt` lets a new
  session take over an anonymous note of a day logged by counts.
- `freetime`: `busy_ahead(settings, first, last, tz)` and the pure `block_starts(...)`: where
  each catch-up block goes in free time, and the block days skipped with why (`plan --json`'s
  `skipped_days`).

A no-change sync is cheap when the window is short (60 days of the 5-year benchmark calendar:
0.15 s to read). With a long window, keep the sha256 of the last synced bytes and of the rules:
when both are unchanged, nothing before the last sync can differ, so reading from the last
sync's `now` (less a day) is enough; only sessions that ended since then can be new.
"""
