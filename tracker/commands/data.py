"""`caughtup export`, `import`, `backup` and `restore`: your data out, in, and safe."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.commands.common import emit_json, json_option, workspace
from tracker.errors import InputError
from tracker.paths import DB_NAME, write_private


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
        _not_the_database(out, ws.home, "--out")
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
        ex.write_csv_folder(snap, out)
        data = b""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if data:
        if out.is_dir():
            raise InputError(f"--out {out} is a folder; give a file name")
        if not out.parent.is_dir():
            raise InputError(f"--out {out}: folder {out.parent} does not exist; create it first")
        write_private(out, data)
    counts = {t.name: len(rows) for t, rows in snap.tables}
    if as_json:
        emit_json(
            {"path": str(out), "format": fmt, "tables": counts, "settings": len(snap.settings)}
        )
    else:
        rows = sum(counts.values())
        click.echo(
            f"Exported {len(counts)} table{'s' if len(counts) != 1 else ''} ({rows} rows) and "
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
                f"Imported {report['added']} of {report['rows']} items from {source.name}"
                + (
                    f"; {report['skipped_duplicates']} were already here"
                    if report["skipped_duplicates"]
                    else ""
                )
            )
            if report["placement"]:
                click.echo(report["placement"])
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
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the copy (default: a new file in the data folder's backups/).",
)
@json_option
def backup(out: Path | None, as_json: bool) -> None:
    """Make a consistent copy of the database, safe while the app is running."""
    from tracker.store import backup_path

    ws = workspace()
    if out is not None:
        _not_the_database(out, ws.home, "--out")
    target = ws.store.backup(out or backup_path(ws.home, ""))
    size = target.stat().st_size
    if as_json:
        emit_json({"path": str(target), "bytes": size})
    else:
        click.echo(f"Backed up to {target} ({size // 1024} KiB)")


@click.command()
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@json_option
def restore(source: Path, as_json: bool) -> None:
    """Put a backup back: checks it first, and backs up the current database before."""
    from tracker import store as st
    from tracker.workspace import Workspace

    ws = Workspace()
    db = ws.home / DB_NAME
    _not_the_database(source, ws.home, "FILE")
    version = st.check_file(source)
    set_aside = previous = None
    try:
        current = st.Store(db, ws.tz)
    except st.DatabaseProblem:
        # The current file is damaged: keep it (moved to backups/), then put the copy in place.
        set_aside = st.set_aside(db, "damaged")
        st.install_copy(source, db)
        st.Store(db, ws.tz).close()  # upgrades an older schema, backing it up first
    else:
        with current:
            previous = current.backup(st.backup_path(ws.home, "before-restore"))
            current.restore_from(source)
    report = {
        "restored_from": str(source),
        "schema_version": version,
        "previous": str(previous or set_aside),
    }
    if as_json:
        emit_json(report)
    else:
        click.echo(f"Restored {source}; the database before it is in {previous or set_aside}")
