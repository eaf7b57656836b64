"""`coop coops`: the pilot co-ops. Contact details are shown by `show` only, and exported
only with --include-contacts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    ForceFlag,
    JsonFlag,
    OutputFile,
    coop_argument,
    dash,
    emit_json,
    emit_text,
    group,
    parse_count_option,
    parse_date_option,
    read_text,
    say,
    show_table,
    today,
)
from coopprogram.vocab import CoopKind, CoopStage

app = group("The pilot co-ops: list, show, add, edit, archive, import and export.")

Slug = Annotated[str, coop_argument("The co-op's short name, e.g. casa-limpia (`coop coops list`).")]
Kind = Annotated[CoopKind | None, typer.Option(case_sensitive=False, help="What kind of co-op it is.")]
Stage = Annotated[CoopStage | None, typer.Option(case_sensitive=False, help="Existing, or budding (forming).")]
Sector = Annotated[str | None, typer.Option(help="What the co-op does, e.g. cleaning.")]
City = Annotated[str | None, typer.Option(help="City or neighborhood.")]
Sponsor = Annotated[str | None, typer.Option(help="The sponsoring SEI organization.")]
Members = Annotated[
    int | None, typer.Option("--members", metavar="N", parser=parse_count_option, help="Number of members.")
]
Focus = Annotated[str | None, typer.Option("--focus", help="Communities the co-op centers.")]
Joined = Annotated[
    date | None, typer.Option("--joined", metavar="DATE", parser=parse_date_option, help="When it joined the pilot.")
]
ContactName = Annotated[str | None, typer.Option("--contact-name", help="Point person (personal data).")]
ContactEmail = Annotated[str | None, typer.Option("--contact-email", help="Point person's email (personal data).")]
ContactPhone = Annotated[str | None, typer.Option("--contact-phone", help="Point person's phone (personal data).")]
Notes = Annotated[str | None, typer.Option(help="Free notes.")]
Languages = Annotated[
    str | None,
    typer.Option(
        metavar="CODES",
        help="Its members' languages, most used first, e.g. es,en: documents for this co-op are written in the first one coop has (en, es, pt).",
    ),
]


@app.command("list")
def coops_list(
    all_: Annotated[bool, typer.Option("--all", help="Include archived co-ops.")] = False,
    json: JsonFlag = False,
) -> None:
    """List the co-ops in the cohort (no contact details; `show` has everything).

    Example: coop coops list --all
    """
    from coopprogram.services.coops import list_coops

    with database(write=False) as db:
        views = list_coops(db, include_archived=all_)
    if json:
        emit_json([view.as_dict(include_contacts=False) for view in views])
        return
    show_table(
        ("Slug", "Name", "Kind", "Stage", "City", "Members", "Joined"),
        views,
        lambda view: (
            view.slug,
            view.name if view.active else f"{view.name} (archived {view.archived_on})",
            view.kind,
            view.stage,
            dash(view.city),
            dash(view.member_count),
            dash(view.joined_on),
        ),
        title=f"{len(views)} co-ops",
        empty="No co-ops yet. Add one with `coop coops add NAME --kind worker` or `coop coops import FILE.csv`.",
    )


@app.command("show")
def coops_show(slug: Slug, json: JsonFlag = False) -> None:
    """Show everything about one co-op, its contact details included.

    Example: coop coops show casa-limpia
    """
    from coopprogram.services.coops import language_names, show_coop

    with database(write=False) as db:
        view = show_coop(db, slug)
    if json:
        emit_json(view.as_dict(include_contacts=True))
        return
    rows = [
        ("Name", view.name),
        ("Slug", view.slug),
        ("Kind", view.kind),
        ("Stage", view.stage),
        ("Sector", view.sector),
        ("City", view.city),
        ("Sponsor", view.sponsor),
        ("Members", view.member_count),
        ("Focus", view.focus_communities),
        ("Joined", view.joined_on),
        ("Archived", view.archived_on),
        ("Contact", view.contact_name),
        ("Email", view.contact_email),
        ("Phone", view.contact_phone),
        ("Notes", view.notes),
        ("Speaks", language_names(view.language_codes) if view.languages else ""),
    ]
    for label, value in rows:
        say(f"{label + ':':<10}{dash(value)}")


@app.command("ledger")
def coops_ledger(slug: Slug, json: JsonFlag = False) -> None:
    """Every decision round with this co-op's response, reason and date, and the sessions it attended.

    Example: coop coops ledger casa-limpia
    """
    from coopprogram.services.ledger import ledger

    with database(write=False) as db:
        view = ledger(db, slug=slug)
    if json:
        emit_json(view)
        return
    show_table(
        ("Decision", "Version", "Round", "Circulated", "Response", "On", "Reason"),
        view.decisions,
        lambda d: (
            f"{d.decision_id} {d.title}",
            d.version,
            d.status,
            d.circulated_on,
            d.response or "not answered",
            dash(d.responded_on),
            d.reason,
        ),
        title=f"{view.coop}: decisions",
        empty=f"{view.coop} has had no decision to answer yet.",
    )
    say("")
    show_table(
        ("Session", "Day", "Title"),
        view.sessions,
        lambda s: (s.id, s.day, s.title),
        title=f"{view.coop}: sessions attended",
        empty=f"{view.coop} has no attendance recorded yet.",
    )


@app.command("add")
def coops_add(
    name: Annotated[str, typer.Argument(help="The co-op's full name.")],
    kind: Annotated[CoopKind, typer.Option(case_sensitive=False, help="What kind of co-op it is.")],
    stage: Annotated[
        CoopStage, typer.Option(case_sensitive=False, help="Existing, or budding (forming).")
    ] = CoopStage.EXISTING,
    slug: Annotated[
        str | None, typer.Option(help="Short name used in commands; made from the name if left out.")
    ] = None,
    sector: Sector = None,
    city: City = None,
    sponsor: Sponsor = None,
    members: Members = None,
    focus: Focus = None,
    joined: Joined = None,
    contact_name: ContactName = None,
    contact_email: ContactEmail = None,
    contact_phone: ContactPhone = None,
    notes: Notes = None,
    languages: Languages = None,
) -> None:
    """Add a co-op to the cohort.

    Example: coop coops add "Casa Limpia Cleaning Cooperative" --kind worker --city Lawrence --slug casa-limpia --languages es,en
    """
    from coopprogram.services.coops import add_coop

    fields = _fields(
        sector=sector,
        city=city,
        sponsor=sponsor,
        member_count=members,
        focus_communities=focus,
        joined_on=joined,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        notes=notes,
        languages=languages,
    )
    with database(write=True) as db:
        view = add_coop(db, name=name, kind=kind, stage=stage, slug=slug, **fields)
    say(f"Added {view.name} as '{view.slug}'.")


@app.command("edit")
def coops_edit(
    slug: Slug,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    new_slug: Annotated[str | None, typer.Option("--slug", help="A new slug.")] = None,
    kind: Kind = None,
    stage: Stage = None,
    sector: Sector = None,
    city: City = None,
    sponsor: Sponsor = None,
    members: Members = None,
    focus: Focus = None,
    joined: Joined = None,
    contact_name: ContactName = None,
    contact_email: ContactEmail = None,
    contact_phone: ContactPhone = None,
    notes: Notes = None,
    languages: Languages = None,
) -> None:
    """Change a co-op's details; only the options given change.

    Example: coop coops edit casa-limpia --members 11 --languages es,en
    """
    from coopprogram.services.coops import edit_coop

    fields = _fields(
        name=name,
        slug=new_slug,
        kind=kind,
        stage=stage,
        sector=sector,
        city=city,
        sponsor=sponsor,
        member_count=members,
        focus_communities=focus,
        joined_on=joined,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        notes=notes,
        languages=languages,
    )
    with database(write=True) as db:
        view = edit_coop(db, slug=slug, **fields)
    say(f"Updated {view.name} ('{view.slug}').")


def _fields(**fields: object) -> dict[str, object]:
    return {name: value for name, value in fields.items() if value is not None}


@app.command("archive")
def coops_archive(
    slug: Slug,
    on: Annotated[
        date | None,
        typer.Option(
            "--on", metavar="DATE", parser=parse_date_option, help="The day it left the cohort. Default: today."
        ),
    ] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Bring an archived co-op back into the cohort.")] = False,
) -> None:
    """Archive a co-op that left the cohort (its history stays), or bring it back with --undo.

    Example: coop coops archive harbor-food --on 2022-02-01
    """
    from coopprogram.services.coops import archive_coop

    with database(write=True) as db:
        view = archive_coop(db, slug=slug, on=on or today(), undo=undo)
    say(f"{view.name} is back in the cohort." if undo else f"Archived {view.name} as of {view.archived_on}.")


@app.command("import")
def coops_import(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="A CSV file whose first line names the columns.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and say what would change, without changing anything.")
    ] = False,
) -> None:
    """Add or update co-ops from a CSV file, matched by slug. A file with any bad row changes
    nothing; every problem of every row is listed.

    Columns: slug, name, kind, stage, sector, city, sponsor, member_count, focus_communities, joined_on,
    archived_on, notes, languages, contact_name, contact_email, contact_phone. A column left out leaves that
    field as it is.

    Example: coop coops import cohort.csv --dry-run
    """
    from coopprogram.errors import InvalidInput
    from coopprogram.services.coops import import_coops

    text = read_text(file, save_as="'CSV UTF-8' from the spreadsheet")
    with database(write=True) as db:
        report = import_coops(db, text=text, dry_run=dry_run)
        applied = not report.rejected and not dry_run
        for row in report.rows:
            action = row.action if applied or row.action in ("rejected", "unchanged") else f"would be {row.action}"
            line = f"line {row.line}: {row.slug or '?'}: {action}" + (f" ({row.detail})" if row.detail else "")
            if row.action == "rejected":
                _stderr(line)
            else:
                say(line)
        if report.rejected:
            raise InvalidInput(
                f"Nothing was imported: {len(report.rejected)} of {len(report.rows)} rows have errors (listed above). Fix them and import again."
            )
    if dry_run:
        say(
            f"Checked {file}: {report.count('added')} would be added, {report.count('updated')} updated, "
            f"{report.count('unchanged')} unchanged; nothing was changed."
        )
        return
    say(
        f"Imported {file}: {report.count('added')} added, {report.count('updated')} updated, {report.count('unchanged')} unchanged."
    )


@app.command("remove")
def coops_remove(slug: Slug) -> None:
    """Delete a co-op added by mistake, while nothing refers to it (no invitations, hours,
    comments...). Otherwise it says what does: archive it instead.

    Example: coop coops remove roxbury-print-collective
    """
    from coopprogram.services.coops import remove_coop

    with database(write=True) as db:
        view = remove_coop(db, slug=slug)
    say(f"Removed {view.name} ({view.slug}).")


def _stderr(line: str) -> None:
    typer.echo(line, err=True)


@app.command("export")
def coops_export(
    output: OutputFile = None,
    force: ForceFlag = False,
    include_contacts: Annotated[
        bool,
        typer.Option(
            "--include-contacts", help="Add contact names, emails and phones (personal data; the file is made private)."
        ),
    ] = False,
) -> None:
    """Export every co-op as CSV for a spreadsheet (contacts left out unless asked for).

    Example: coop coops export -o cohort.csv
    """
    from coopprogram.exporters.csv import render_csv
    from coopprogram.services.coops import export_table

    with database(write=False) as db:
        columns, rows = export_table(db, include_contacts=include_contacts)
    emit_text(render_csv(columns, rows), output=output, private=include_contacts, force=force)
