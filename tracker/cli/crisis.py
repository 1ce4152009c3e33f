"""`caughtup crisis`: the crisis lines for your country, without taking a questionnaire."""

from __future__ import annotations

import click

from tracker.cli.options import emit_json, json_option, workspace


@click.command()
@click.option("--list", "list_all", is_flag=True, help="List every country caughtup has lines for.")
@json_option
def crisis(list_all: bool, as_json: bool) -> None:
    """Crisis lines and the emergency number for your country (the `locale` setting).

    Set your country with `caughtup config locale GB` (an ISO code); a country caughtup has no
    checked numbers for shows your local emergency number and findahelpline.com. Add or correct a
    country in <data folder>/crisis.toml.
    """
    from tracker import crisis as crisis_data  # the data's schema is pydantic (~150 ms)

    ws = workspace()
    table = crisis_data.table(ws.home)
    if list_all:
        countries = table.countries()
        if as_json:
            emit_json({"countries": [c.entry_json() for c in countries]})
            return
        for c in countries:
            click.echo(f"{c.code:<6} {c.country:<16} {'; '.join(c.lines_text()[:-1])}")
        return
    setting = ws.settings.locale
    res = table.resources(setting)
    if as_json:
        emit_json({**res.entry_json(), "setting": setting})
        return
    title = "Crisis support" if res.is_other else f"Crisis support in {res.country}"
    click.echo(click.style(title, bold=True))
    for line in res.lines_text():
        click.echo(f"  {line}")
    click.echo("Talking to someone today helps: a line above, or someone you trust.")
    if res.is_other:
        note = (
            f"caughtup has no checked numbers for {setting!r}; "
            if setting.lower() != crisis_data.OTHER
            else ""
        )
        click.echo(f"{note}set your country with `caughtup config locale GB` (its ISO code).")
    else:
        click.echo(f"Numbers from {res.source} (checked {res.checked:%d %b %Y}).")
