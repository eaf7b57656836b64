"""The database tables (SQLModel), no logic, one module per domain.

Minutes and cents are integers; timestamps are aware UTC; work days are dates. The fixed
vocabularies (coopprogram.vocab) are stored as their string values, held to them by CHECK
constraints, so the same schema runs on any database.

Declaring a table costs start-up time, so a command declares only the tables it uses:
`from coopprogram.models import TimeEntry` loads the module that holds `TimeEntry` (PEP 562),
then the modules of the tables its foreign keys point to (SQLAlchemy resolves those when it
flushes a row). Import tables from this package, never from its modules. What needs the whole
schema (migrations, copying a database, the schema checks) calls `load_all()`.
"""

import importlib
from typing import TYPE_CHECKING, Any

from coopprogram.vocab import (  # the vocabularies, re-exported: callers have long found them here
    AgendaKind,
    Attendance,
    CommentStatus,
    CoopKind,
    CoopStage,
    DraftStatus,
    Electorate,
    InvoiceKind,
    InvoiceStatus,
    MessageKind,
    MessageStatus,
    MilestoneStatus,
    SessionStatus,
    Stance,
)

if TYPE_CHECKING:
    from sqlalchemy import MetaData

    from coopprogram.models.agenda import ActionItem, AgendaItem
    from coopprogram.models.audit import AuditEntry
    from coopprogram.models.calendar import RenderedEvent
    from coopprogram.models.coops import Coop
    from coopprogram.models.decisions import (
        Decision,
        DecisionComment,
        DecisionResponse,
        DecisionVersion,
        DecisionVoter,
    )
    from coopprogram.models.hours import TimeEntry, Timer
    from coopprogram.models.invoices import ConsultantProfile, Invoice, InvoiceLine, Payment
    from coopprogram.models.materials import Material
    from coopprogram.models.messages import Message
    from coopprogram.models.milestones import Milestone
    from coopprogram.models.program import Category, Contract, ContractAmendment, Phase, Program
    from coopprogram.models.sessions import Invitation, ProgramSession, SessionKind, SessionSeries, WithdrawnInvitation
    from coopprogram.models.translations import TitleTranslation, VersionTranslation

# The tables of each module (tests/test_models.py checks it against the modules). A table's name
# is its class's name in lower case (SQLModel's default), which is how a foreign key names it.
MODULES: dict[str, tuple[str, ...]] = {
    "program": ("Program", "Phase", "Category", "Contract", "ContractAmendment"),
    "coops": ("Coop",),
    "milestones": ("Milestone",),
    "sessions": ("SessionKind", "SessionSeries", "ProgramSession", "Invitation", "WithdrawnInvitation"),
    "agenda": ("AgendaItem", "ActionItem"),
    "hours": ("TimeEntry", "Timer"),
    "invoices": ("ConsultantProfile", "Invoice", "InvoiceLine", "Payment"),
    "decisions": ("Decision", "DecisionVoter", "DecisionVersion", "DecisionComment", "DecisionResponse"),
    "translations": ("VersionTranslation", "TitleTranslation"),
    "messages": ("Message",),
    "materials": ("Material",),
    "audit": ("AuditEntry",),
    "calendar": ("RenderedEvent",),
}
# `from coopprogram.models import *` declares every table.
__all__ = [
    "MODULES",
    "ActionItem",
    "AgendaItem",
    "AgendaKind",
    "Attendance",
    "AuditEntry",
    "Category",
    "CommentStatus",
    "ConsultantProfile",
    "Contract",
    "ContractAmendment",
    "Coop",
    "CoopKind",
    "CoopStage",
    "Decision",
    "DecisionComment",
    "DecisionResponse",
    "DecisionVersion",
    "DecisionVoter",
    "DraftStatus",
    "Electorate",
    "Invitation",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "Material",
    "Message",
    "MessageKind",
    "MessageStatus",
    "Milestone",
    "MilestoneStatus",
    "Payment",
    "Phase",
    "Program",
    "ProgramSession",
    "RenderedEvent",
    "SessionKind",
    "SessionSeries",
    "SessionStatus",
    "Stance",
    "TimeEntry",
    "Timer",
    "TitleTranslation",
    "VersionTranslation",
    "WithdrawnInvitation",
    "load_all",
]

_HOME = {name: module for module, names in MODULES.items() for name in names}
_TABLE_HOME = {name.lower(): module for name, module in _HOME.items()}
_loaded: set[str] = set()


def _load(module: str) -> None:
    """Declare the module's tables, then the tables their foreign keys point to."""
    if module in _loaded:
        return
    _loaded.add(module)
    tables = [getattr(importlib.import_module(f"{__name__}.{module}"), name) for name in MODULES[module]]
    globals().update((table.__name__, table) for table in tables)
    for table in tables:
        for key in table.__table__.foreign_keys:
            _load(_TABLE_HOME[key.target_fullname.partition(".")[0]])


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _load(module)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


def load_all() -> "MetaData":
    """Every table declared: the whole schema, as `SQLModel.metadata`."""
    from sqlmodel import SQLModel

    for module in MODULES:
        _load(module)
    return SQLModel.metadata
