"""The running timer (`coop hours start/stop/status/cancel`): one per person, kept in the
database; stopping it logs an entry through `hours.log_time`, rounded to the billing step and
checked against the cap then, with the clock times it ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Category, Coop, Timer
from coopprogram.services.categories import category_for_entry
from coopprogram.services.contracts import CapExceeded, billable_minutes, contract_on
from coopprogram.services.coops import get_coop
from coopprogram.services.hours import LogResult, check_milestone, log_time
from coopprogram.services.program import get_program
from coopprogram.services.sessions import get_session
from coopprogram.services.text import clean_text
from coopprogram.units import billed_minutes, format_minutes, local_to_utc, round_half_up, utc_to_local

LITTLE_LEFT_PERCENT = 10  # a timer started with less than this share of the cap left is warned about


@dataclass(frozen=True)
class TimerView:
    user: str
    description: str
    started_at: datetime  # UTC
    started_local: datetime  # on the program's clock
    zone: str
    category: str | None
    session_id: int | None
    milestone_id: int | None
    coop: str | None
    billable: bool
    elapsed_minutes: int  # up to the moment the view was made
    phase_name: str
    cap_left_minutes: int  # billable hours left under the cap of the day it started


@dataclass(frozen=True)
class StartResult:
    timer: TimerView
    warnings: list[str]


@dataclass(frozen=True)
class StopResult:
    logged: LogResult
    worked_minutes: int  # as the clock ran
    increment: int  # the billing step the entry was rounded to


def _elapsed(start: datetime, end: datetime) -> int:
    """Whole minutes between two instants, rounded half up."""
    return round_half_up(Decimal((end - start).total_seconds()) / 60)


def _find(db: Session, user: str) -> Timer | None:
    return db.exec(select(Timer).where(Timer.user == user)).first()


def _running(db: Session, user: str) -> Timer:
    timer = _find(db, user)
    if timer is None:
        raise NotFound(f"No timer is running for {user}. Start one with `coop hours start DESCRIPTION`.")
    return timer


def _view(db: Session, timer: Timer, *, now: datetime) -> TimerView:
    zone = get_program(db).timezone
    local = utc_to_local(timer.started_at, zone)
    contract, phase = contract_on(db, local.date())
    return TimerView(
        user=timer.user,
        description=timer.description,
        started_at=timer.started_at,
        started_local=local,
        zone=zone,
        category=db.get(Category, timer.category_id).slug if timer.category_id else None,
        session_id=timer.session_id,
        milestone_id=timer.milestone_id,
        coop=db.get(Coop, timer.coop_id).slug if timer.coop_id else None,
        billable=timer.billable,
        elapsed_minutes=max(0, _elapsed(timer.started_at, now)),
        phase_name=phase.name,
        cap_left_minutes=contract.hour_cap_minutes - billable_minutes(db, contract.id),
    )


def instant_of(db: Session, *, clock: time, on: date) -> datetime:
    """The UTC instant of a time of day on the program's clock (`--at 15:30`)."""
    try:
        return local_to_utc(datetime.combine(on, clock), get_program(db).timezone)
    except ValueError as error:
        raise InvalidInput(str(error)) from None


def start_timer(
    db: Session,
    *,
    user: str,
    description: str,
    now: datetime,
    started_at: datetime | None = None,
    category: str | None = None,
    session_id: int | None = None,
    milestone_id: int | None = None,
    coop: str | None = None,
    billable: bool = True,
) -> StartResult:
    existing = _find(db, user)
    if existing is not None:
        view = _view(db, existing, now=now)
        raise Conflict(
            f"A timer is already running for {user}: '{view.description}' since {view.started_local:%Y-%m-%d %H:%M}. "
            "Stop it first (`coop hours stop`) or drop it (`coop hours cancel`)."
        )
    start = started_at or now
    if start > now:
        raise InvalidInput(
            f"{utc_to_local(start, get_program(db).timezone):%Y-%m-%d %H:%M} is in the future: a timer starts now or earlier."
        )
    day = utc_to_local(start, get_program(db).timezone).date()
    _contract, phase = contract_on(db, day)  # a day outside every phase is refused now, not at stop
    timer = Timer(
        user=user,
        description=clean_text(description, what="description", limit=500),
        started_at=start,
        category_id=category_for_entry(db, phase=phase, slug=category).id if category else None,
        session_id=get_session(db, session_id).id if session_id is not None else None,
        milestone_id=milestone_id,
        coop_id=get_coop(db, coop).id if coop else None,
        billable=billable,
    )
    check_milestone(db, milestone_id)
    db.add(timer)
    try:
        db.flush()
    except IntegrityError:  # another terminal started one for the same person at the same moment
        raise Conflict(f"A timer was just started for {user} elsewhere. `coop hours status` shows it.") from None
    view = _view(db, timer, now=now)
    contract, _ = contract_on(db, day)
    warnings = []
    if billable and view.cap_left_minutes * 100 < LITTLE_LEFT_PERCENT * contract.hour_cap_minutes:
        warnings.append(
            f"Only {format_minutes(max(view.cap_left_minutes, 0))} h of the {phase.name} cap are left: "
            "time past it will be refused as billable at stop (stop with --non-billable then)."
        )
    return StartResult(timer=view, warnings=warnings)


def timer_status(db: Session, *, user: str, now: datetime) -> TimerView | None:
    timer = _find(db, user)
    return _view(db, timer, now=now) if timer is not None else None


def stop_timer(
    db: Session,
    *,
    user: str,
    now: datetime,
    at: time | None = None,
    billable: bool | None = None,
    confirmed: bool = False,
) -> StopResult:
    """Log the running timer's time, from its start to `at` (a time of day on the day it started)
    or now, rounded to the billing step; the timer ends only if the entry is logged."""
    timer = _running(db, user)
    zone = get_program(db).timezone
    start_local = utc_to_local(timer.started_at, zone)
    end = instant_of(db, clock=at, on=start_local.date()) if at is not None else now
    if end > now:
        raise InvalidInput(
            f"--at {at:%H:%M} on {start_local.date()} has not come yet: stop the timer at a time that has passed."
        )
    if end <= timer.started_at:
        raise InvalidInput(
            f"The timer started at {start_local:%H:%M} on {start_local.date()}: stop it at a later time."
        )
    end_local = utc_to_local(end, zone)
    if end_local.date() != start_local.date():
        raise InvalidInput(
            f"The timer has run past midnight (since {start_local:%Y-%m-%d %H:%M}). Stop it at the time you stopped that day "
            f"(`coop hours stop --at HH:MM`), and log any time after midnight with `coop hours log`."
        )
    worked = _elapsed(timer.started_at, end)
    increment = get_program(db).billing_increment_minutes
    minutes = billed_minutes(max(worked, 1), increment)
    billing = timer.billable if billable is None else billable
    try:
        logged = log_time(
            db,
            minutes=minutes,
            description=timer.description,
            on=start_local.date(),
            today=utc_to_local(now, zone).date(),
            category=db.get(Category, timer.category_id).slug if timer.category_id else None,
            coop=db.get(Coop, timer.coop_id).slug if timer.coop_id else None,
            milestone_id=timer.milestone_id,
            session_id=timer.session_id,
            billable=billing,
            starts_at=start_local.time().replace(second=0, microsecond=0),
            ends_at=end_local.time().replace(second=0, microsecond=0),
            clock_times=True,
            confirmed=confirmed,
        )
    except CapExceeded as passed:  # the same refusal, with what to do about a running timer
        raise Conflict(
            f"Stopping now would log {format_minutes(minutes)} h and pass the {passed.phase_name} cap of "
            f"{format_minutes(passed.cap)} hours ({format_minutes(passed.used)} used, {format_minutes(passed.left)} left). "
            "The timer keeps running: stop it with --non-billable, or `coop hours cancel` and log what fits with `coop hours log`."
        ) from None
    db.delete(timer)
    db.flush()
    return StopResult(logged=logged, worked_minutes=worked, increment=increment)


def cancel_timer(db: Session, *, user: str, now: datetime) -> TimerView:
    timer = _running(db, user)
    view = _view(db, timer, now=now)
    db.delete(timer)
    db.flush()
    return view


def started_at_from(db: Session, *, clock: time | None, stamp: datetime | None, now: datetime) -> datetime | None:
    """The instant a timer started, from `--at HH:MM` (today on the program's clock) or
    `--at "YYYY-MM-DD HH:MM"`; None for now."""
    if stamp is not None:
        return instant_of(db, clock=stamp.time(), on=stamp.date())
    if clock is not None:
        return instant_of(db, clock=clock, on=utc_to_local(now, get_program(db).timezone).date())
    return None
