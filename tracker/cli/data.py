"""`caughtup export`, `import`, `backup` and `restore`: your data out, in, and safe."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker import files, words
from tracker.cli.options import emit_json, json_option, output_path, workspace
from tracker.errors import InputError
from tracker.paths import BACKUP_DIR, DB_NAME

if TYPE_CHECKING:
    from tracker.backups import Copy
    from tracker.workspace import Workspace
from tracker.words import plural


def _not_the_database(path: Path, home: Path, flag: str) -> None:
    db = (home / DB_NAME).resolve()
    target = path.resolve()
    if target in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        raise InputError(f"{flag} {path} is caughtup's own database; choose another file")


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: one document; csv: a folder with one spreadsheet file per table.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=True),
    help="File (json) or new folder (csv) to write; json without it goes to stdout.",
)
@click.option("--table", help="Only this table (csv: one file, to stdout without --out).")
@json_option
def export(fmt: str, out: Path | None, table: str | None, as_json: bool) -> None:
    """Export every table and your settings (never notification URLs).

    CSV cells that a spreadsheet could run as a formula are prefixed with an apostrophe;
    `caughtup import` removes it again.
    """
    from tracker import export as ex

    ws = workspace()
    if out is not None:
        output_path("--out", out, ws, folder=fmt == "csv" and table is None)
    elif as_json:
        raise InputError("--json needs --out: without it the export itself goes to stdout")
    if fmt == "csv" and table is None and out is None:
        raise InputError(
            "a CSV export is a folder with one file per table: give --out FOLDER, or --table "
            "NAME for one table on stdout"
        )
    snap = ex.snapshot(ws.store, ws.settings, ws.now(), only=table)
    if fmt == "json":
        data = ex.to_json(snap)
    elif table is not None:
        data = ex.table_csv(*snap.tables[0])
    else:
        assert out is not None
        try:
            ex.write_csv_folder(snap, out, ws.home)
        except InputError as exc:
            raise InputError(f"--out {exc}") from None
        data = b""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if data:
        files.write_output(out, data, ws.home)
    counts = {t.name: len(rows) for t, rows in snap.tables}
    if as_json:
        emit_json(
            {"path": str(out), "format": fmt, "tables": counts, "settings": len(snap.settings)}
        )
    else:
        rows = sum(counts.values())
        click.echo(
            f"Exported {plural(len(counts), 'table')} ({rows} rows) and "
            f"{len(snap.settings)} settings to {out}"
        )


@click.command(name="import")
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.option(
    "--map",
    "maps",
    multiple=True,
    help='EHR item list: which columns mean what, e.g. date="Service Date",type="Note Type".',
)
@click.option(
    "--date-format",
    default="iso",
    show_default=True,
    help="With --map: how dates are written, e.g. %m/%d/%Y (iso: YYYY-MM-DD).",
)
@click.option("--encoding", default="utf-8-sig", show_default=True, help="CSV text encoding.")
@click.option("--table", help="The table a single CSV file holds (default: its file name).")
@click.option(
    "--replace",
    is_flag=True,
    help="Replace everything with the file (backs up the database first).",
)
@json_option
def import_(
    source: Path,
    maps: tuple[str, ...],
    date_format: str,
    encoding: str,
    table: str | None,
    replace: bool,
    as_json: bool,
) -> None:
    """Import a caughtup export (JSON file, CSV folder or one table's CSV), or an EHR list.

    All or nothing: one bad row imports nothing and names the row, the field and the problem.
    With --map, each CSV row becomes a note item; rows imported before are skipped.
    """
    ws = workspace()
    _not_the_database(source, ws.home, "FILE")
    if maps:
        from tracker import ehr  # pydantic: ~150 ms, only for an EHR list

        if replace or table:
            raise InputError("--map imports items into your data; it takes no --replace or --table")
        if source.is_dir():
            raise InputError(f"{source} is a folder; --map takes one CSV file")
        report = ehr.run(
            ws, source, ehr.parse_map(maps), encoding=encoding, date_format=date_format
        )
        if as_json:
            emit_json(report)
        else:
            click.echo(
                f"Imported {report['added']} of {plural(report['rows'], 'item')} from {source.name}"
                + (
                    f"; {report['skipped_duplicates']} were already here"
                    if report["skipped_duplicates"]
                    else ""
                )
                + (
                    f", {report['updated_written']} of them now marked written (signed since)"
                    if report["updated_written"]
                    else ""
                )
            )
            if report["placement"]:
                click.echo(report["placement"])
            if report["backup"]:
                click.echo(f"The data before the import is in {report['backup']}")
        return
    if date_format != "iso":
        raise InputError("--date-format is for an EHR list with --map")
    from tracker import importer  # only for imports

    report = importer.run(ws, source, encoding=encoding, table=table, replace=replace)
    if as_json:
        emit_json(report)
        return
    parts = [
        f"{c['inserted']} {name}" + (f" ({c['skipped']} already here)" if c["skipped"] else "")
        for name, c in report["tables"].items()
    ]
    click.echo(f"Imported {', '.join(parts) or 'no rows'} from {source.name}")
    if report["settings"]:
        click.echo(f"Settings updated from the file ({report['settings']} values; secrets kept).")
    if report["backup"]:
        click.echo(f"The data before the import is in {report['backup']}")


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Where to write the copy (default: a new file in the data folder's backups/).",
)
@click.option(
    "--list",
    "listing",
    is_flag=True,
    help="List the copies in backups/, newest first, numbered for `caughtup restore N`.",
)
@json_option
def backup(out: Path | None, listing: bool, as_json: bool) -> None:
    """Make a consistent copy of the database, safe while the app is running.

    Refused for a database that fails SQLite's check. Copies in backups/ are pruned by the
    backups.keep_last and backups.keep_weeks settings, never the newest good one.
    """
    from tracker import backups

    ws = workspace()
    if listing:
        if out is not None:
            raise InputError("give --list or --out, not both")
        _list_backups(backups.copies(ws.home), ws, as_json)
        return
    pruned: list[Path] = []
    if out is not None:
        output_path("--out", out, ws)
        # through a symlink: the copy goes where it points
        target = ws.store.backup(files.output_target(out, ws.home))
    else:
        target, pruned = backups.make(ws.store, ws.home, ws.settings.backups)
    size = target.stat().st_size
    if as_json:
        emit_json({"path": str(target), "bytes": size, "pruned": [str(p) for p in pruned]})
    else:
        click.echo(f"Backed up to {target} ({size // 1024} KiB)")
        if pruned:
            click.echo(f"Removed {len(pruned)} older backups (caughtup config backups.keep_last).")


def _list_backups(found: list[Copy], ws: Workspace, as_json: bool) -> None:
    rows = [
        {
            "number": n,
            "path": str(c.path),
            "made": c.made.astimezone(ws.tz).isoformat(timespec="seconds"),
            "kind": c.kind,
            "bytes": _size(c.path),
        }
        for n, c in enumerate(found, 1)
    ]
    if as_json:
        emit_json({"backups": rows})
        return
    if not rows:
        click.echo(f"No backups in {ws.home / BACKUP_DIR} yet; `caughtup backup` makes one.")
        return
    for n, c in enumerate(found, 1):
        click.echo(
            f"{n:>3}  {words.moment(c.made.astimezone(ws.tz), year=True)}  "
            f"{_size(c.path) / 1024:>8.0f} KiB  {c.kind:<14} {c.path.name}"
        )
    click.echo("Put one back with `caughtup restore N` (N from this list) or a file's path.")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # pruned by another caughtup meanwhile
        return 0


def _chosen(source: str, home: Path) -> Path:
    """A backup to restore: a file's path, or a number from `caughtup backup --list`."""
    from tracker import backups

    path = Path(source)
    if source.isdigit() and not path.exists():
        found = backups.copies(home)
        number = int(source)
        if not 1 <= number <= len(found):
            raise InputError(
                f"FILE {source} is not a number from `caughtup backup --list` "
                f"(1 to {len(found)}) or an existing file"
                if found
                else f"FILE {source}: there are no backups to choose from; give a file's path"
            )
        return found[number - 1].path
    if not path.is_file():
        raise InputError(f"FILE {source} does not exist; give a backup file or a number from "
                         "`caughtup backup --list`")  # fmt: skip
    return path


@click.command()
@click.argument("source", metavar="FILE|N")
@click.option("--yes", is_flag=True, help="Restore a backup chosen by number without asking.")
@json_option
def restore(source: str, yes: bool, as_json: bool) -> None:
    """Put a backup back: a file, or N from `caughtup backup --list`. Checks it first, and backs
    up the current database before."""
    from tracker import backups
    from tracker.workspace import Workspace

    ws = Workspace()
    chosen = _chosen(source, ws.home)
    if chosen != Path(source) and not yes:
        click.confirm(f"Restore {chosen.name}?", abort=True, err=True)
    _not_the_database(chosen, ws.home, "FILE")
    report = backups.restore(ws.home, ws.tz, chosen)
    if as_json:
        emit_json(report)
    else:
        click.echo(f"Restored {chosen}; the database before it is in {report['previous']}")
