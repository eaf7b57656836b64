"""The program, its phases and its contracts as `coop init` writes them, and their edits."""

from datetime import date

import pytest
from sqlmodel import select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Contract, Phase, Program
from coopprogram.services import phases, program
from coopprogram.services.contracts import check_rate_in_band, contract_for_phase


def test_defaults_are_the_sei_program(session) -> None:
    with session(write=False) as db:
        facts = db.exec(select(Program)).one()
        rows = db.exec(select(Phase).order_by(Phase.number)).all()
        contract = db.exec(select(Contract)).one()
    assert facts.organization == "Solidarity Economy Initiative (SEI) Co-op Working Group"
    assert facts.timezone == "America/New_York"
    assert [(p.name, p.starts_on, p.ends_on) for p in rows] == [
        ("Phase I", date(2021, 10, 1), date(2022, 3, 31)),
        ("Phase II", date(2022, 4, 1), date(2022, 8, 31)),
    ]
    assert contract.phase_id == rows[0].id
    assert contract.hour_cap_minutes == 100 * 60
    assert (contract.rate_min_cents, contract.rate_max_cents) == (5000, 7500)
    assert contract.rate_cents == 6000  # defaults.toml: $60 an hour


@pytest.mark.parametrize("reference", ["1", "I", "i", "Phase I", "phase-1", "phase 1"])
def test_phase_references(session, reference: str) -> None:
    with session(write=False) as db:
        assert phases.get_phase(db, reference).number == 1


def test_unknown_phase_lists_the_phases(session) -> None:
    with session(write=False) as db, pytest.raises(NotFound, match=r"1 \(Phase I\), 2 \(Phase II\)"):
        phases.get_phase(db, "III")


def test_phases_may_not_overlap(session) -> None:
    with session() as db, pytest.raises(InvalidInput, match="overlap"):
        phases.edit_phase(db, reference="I", ends_on=date(2022, 4, 15))


def test_phase_cannot_end_before_it_starts(session) -> None:
    with session() as db, pytest.raises(InvalidInput, match="before it starts"):
        phases.edit_phase(db, reference="II", ends_on=date(2022, 3, 1))


def test_phase_edit_is_kept(session) -> None:
    with session() as db:
        phases.edit_phase(db, reference="II", ends_on=date(2022, 9, 30), focus="Strategy")
    with session(write=False) as db:
        view = phases.to_view(phases.get_phase(db, "2"))
    assert (view.ends_on, view.focus, view.days) == (date(2022, 9, 30), "Strategy", 183)


def test_phase_of_a_date(session) -> None:
    with session(write=False) as db:
        assert phases.phase_on(db, date(2022, 3, 31)).number == 1
        assert phases.phase_on(db, date(2022, 4, 1)).number == 2
        assert phases.phase_on(db, date(2021, 9, 30)) is None


@pytest.mark.parametrize(("rate", "ok"), [(5000, True), (7500, True), (4999, False), (7501, False)])
def test_rate_band_edges(rate: int, ok: bool) -> None:
    if ok:
        check_rate_in_band(rate, 5000, 7500)
    else:
        with pytest.raises(InvalidInput, match="outside the band"):
            check_rate_in_band(rate, 5000, 7500)


def test_contract_of_phase_one(session) -> None:
    with session(write=False) as db:
        assert contract_for_phase(db, 1).hour_cap_minutes == 6000
        assert contract_for_phase(db, 2) is None


def test_program_set_validates_time_zone(session) -> None:
    with session() as db, pytest.raises(InvalidInput, match="time zone"):
        program.set_program_field(db, field="timezone", value="Mars/Olympus")
    with session() as db:
        program.set_program_field(db, field="timezone", value="America/Chicago")
    with session(write=False) as db:
        assert program.program_view(db).timezone == "America/Chicago"


def test_program_set_refuses_unknown_field(session) -> None:
    with session() as db, pytest.raises(InvalidInput, match="Settable fields"):
        program.set_program_field(db, field="budget", value="1")


def test_setup_twice_is_refused(session) -> None:
    with session() as db, pytest.raises(Conflict):
        program.setup_program(db, spec=program.load_program_file(program.DEFAULTS_FILE))
