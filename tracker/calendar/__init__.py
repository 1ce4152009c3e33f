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

Wiring (for the CLI and store after issue 20):

    from tracker.calendar import feed, reading, sync
    rules = CalendarRules(min_minutes=..., match=..., types=..., client_ref=..., me=...)
    data = feed.fetch(source)                      # `calendar import FILE`: the file's path
    got = reading.read_sessions(data, rules, now - since_days, now, tz, feed.describe(source))
    # --preview: print got.preview() and stop. Otherwise, in one BEGIN IMMEDIATE transaction:
    plan = sync.plan_sync(got.sessions, got.covers, store_items_as_Imported, tz, got.skipped)
    # insert plan.adds as items (source "calendar"; columns: calendar_key, minutes, cpt),
    # update plan.moves, delete plan.removals; report counts and reasons, never a title.

A no-change sync is cheap when the window is short (60 days of the 5-year benchmark calendar:
0.15 s to read). With a long window, keep the sha256 of the last synced bytes and of the rules:
when both are unchanged, nothing before the last sync can differ, so reading from the last
sync's `now` (less a day) is enough; only sessions that ended since then can be new.

The store keeps per calendar item only: `key`, date, time, minutes, note type, CPT code, the
extracted reference, and whether the user edited it (any user change sets it, so sync never
touches it again). `remind` syncs first when `calendar.source` is set and reports a failed fetch
once. The planner: `read_busy` for the plan's range, `public_holidays(settings.locale, ...)`,
then `free_slots(...)`; `plan --json` lists `FreeTime.skipped` as the days skipped and why.
"""
