"""`caughtup config`: view or set a setting by dotted key."""

from __future__ import annotations

from typing import Any

import click

from tracker import settings
from tracker.cli.options import emit_json, json_option, workspace
from tracker.settings import mask


def shown(key: str, value: Any) -> Any:
    if settings.is_secret(key) and isinstance(value, list):
        return [mask(v) for v in value]
    if settings.is_secret(key) and isinstance(value, str) and "://" in value:
        return mask(value)  # a private feed address: its path is the token
    return value


def complete_key(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Setting keys for shell completion (`caughtup config rules.<TAB>`)."""
    return [k for k in settings.all_keys() if k.startswith(incomplete)]


@click.command()
@click.argument("key", required=False, shell_complete=complete_key)
@click.argument("value", required=False)
@json_option
def config(key: str | None, value: str | None, as_json: bool) -> None:
    """View all settings, one KEY, or set KEY to VALUE (lists comma-separated)."""
    ws = workspace()
    current = ws.settings
    if key is None:
        data = {k: shown(k, settings.get_value(current, k)) for k in settings.all_keys()}
        if as_json:
            emit_json(data)
        else:
            width = max(map(len, data))
            for k, v in data.items():
                click.echo(f"{k:<{width}}  {settings.as_text(v)}")
        return
    if value is None:
        v = shown(key, settings.get_value(current, key))
        if as_json:
            emit_json({"key": key, "value": v, "doc": settings.describe(key)})
        else:
            click.echo(f"{key} = {settings.as_text(v)}\n  {settings.describe(key)}")
        return
    settings.set_value(current, key, value)  # a bad key or value: said before anything changes
    # Set on the file as it is now, under its lock: another `config` or the app may have
    # changed another key since this process read it.
    updated = ws.change_settings(lambda now: settings.set_value(now, key, value))
    v = shown(key, settings.get_value(updated, key))
    if as_json:
        emit_json({"key": key, "value": v, "path": str(settings.settings_path(ws.home))})
    else:
        click.echo(f"{key} = {settings.as_text(v)}")
