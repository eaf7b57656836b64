"""The tables' package (src/coopprogram/models): one module per domain, each table declared only
when a command names it, with the tables its foreign keys point to."""

import importlib
import json
import os
import subprocess
import sys

from coopprogram.models import MODULES, load_all

# Run in a fresh interpreter: this one has declared every table already. It names two tables,
# stores an entry through a unit of work (the flush resolves the entry's foreign keys to invoices,
# sessions, milestones and co-ops), and reports what was declared and what was stored.
ONE_TABLE = """
import json, sys
from sqlmodel import SQLModel, select
from coopprogram.db import unit_of_work
from coopprogram.models import Category, Contract, TimeEntry

with unit_of_work(sys.argv[1], write=True) as db:
    entry = TimeEntry(
        contract_id=db.exec(select(Contract.id)).first(),
        category_id=db.exec(select(Category.id)).first(),
        worked_on=__import__("datetime").date(2021, 10, 12),
        minutes=150,
        description="Prep for visioning session",
    )
    db.add(entry)
    db.flush()
    stored = entry.id
with unit_of_work(sys.argv[1], write=False) as db:
    minutes = db.exec(select(TimeEntry.minutes).where(TimeEntry.id == stored)).one()
print(json.dumps({"declared": sorted(SQLModel.metadata.tables), "minutes": minutes}))
"""


def test_each_module_holds_the_tables_listed_for_it() -> None:
    declared = load_all().tables
    for module, names in MODULES.items():
        loaded = importlib.import_module(f"coopprogram.models.{module}")
        tables = {
            name
            for name, value in vars(loaded).items()
            if hasattr(value, "__table__") and value.__module__ == loaded.__name__
        }
        assert tables == set(names), module
        # A foreign key names a table by its class's name in lower case: how the package finds its module.
        assert all(getattr(loaded, name).__table__.name == name.lower() for name in names)
    assert len(declared) == sum(len(names) for names in MODULES.values())


def test_a_table_is_declared_with_those_its_foreign_keys_name_and_no_other(db_url) -> None:
    result = subprocess.run(
        [sys.executable, "-c", ONE_TABLE, db_url],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["minutes"] == 150
    declared = set(report["declared"])
    assert {"timeentry", "invoice", "programsession", "milestone", "coop", "contract", "category"} <= declared
    assert not declared & {"message", "material", "decision", "agendaitem", "versiontranslation"}
