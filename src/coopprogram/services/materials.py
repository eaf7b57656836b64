"""The program's materials: a register of its documents (handouts, slides, drafts, links to
recordings), each a file kept in the private materials folder under its SHA-256 or a link, tied
to a session or a phase and a language; the check that every file is still there, unchanged."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput, NotFound
from coopprogram.models import Material, Phase, ProgramSession
from coopprogram.services.phases import get_phase
from coopprogram.services.sessions import get_session
from coopprogram.services.text import clean_text
from coopprogram.vocab import DraftStatus

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class MaterialView:
    id: int
    title: str
    file_name: str
    stored_name: str
    sha256: str
    size: int
    url: str
    session_id: int | None
    session_title: str
    phase_number: int | None
    lang: str
    added_on: date

    @property
    def is_link(self) -> bool:
        return bool(self.url)


def _views(db: Session, rows: list[Material]) -> list[MaterialView]:
    titles = (
        dict(db.exec(select(ProgramSession.id, ProgramSession.title)).all()) if any(r.session_id for r in rows) else {}
    )
    phases = dict(db.exec(select(Phase.id, Phase.number)).all())
    return [
        MaterialView(
            id=m.id,
            title=m.title,
            file_name=m.file_name,
            stored_name=m.stored_name,
            sha256=m.sha256,
            size=m.size,
            url=m.url,
            session_id=m.session_id,
            session_title=titles.get(m.session_id, ""),
            phase_number=phases.get(m.phase_id),
            lang=m.lang,
            added_on=m.added_on,
        )
        for m in rows
    ]


def _get(db: Session, material_id: int) -> Material:
    material = db.get(Material, material_id)
    if material is None:
        raise NotFound(f"There is no material {material_id}. `coop materials list` shows their numbers.")
    return material


def show_material(db: Session, *, material_id: int) -> MaterialView:
    return _views(db, [_get(db, material_id)])[0]


def list_materials(db: Session, *, session_id: int | None = None, phase: str | None = None) -> list[MaterialView]:
    query = select(Material).order_by(Material.added_on, Material.id)
    if session_id is not None:
        query = query.where(Material.session_id == get_session(db, session_id).id)
    if phase is not None:
        query = query.where(Material.phase_id == get_phase(db, phase).id)
    return _views(db, list(db.exec(query).all()))


def stored_name_for(data: bytes, file_name: str) -> tuple[str, str]:
    """The file's SHA-256 and its name in the materials folder: the hash, with the original's
    extension when it is a plain one (so the folder's files still open by type)."""
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(file_name).suffix.lower()
    return digest, digest + (suffix if SUFFIX.match(suffix) else "")


def _check_link(url: str) -> str:
    url = clean_text(url, what="link", limit=2000)
    if not url.startswith(("https://", "http://")) or " " in url:
        raise InvalidInput(f"'{url}' is not a web link: give the full address, starting with https://.")
    return url


def add_material(
    db: Session,
    *,
    on: date,
    data: bytes | None = None,
    file_name: str = "",
    url: str | None = None,
    title: str | None = None,
    session_id: int | None = None,
    phase: str | None = None,
    lang: str = "en",
) -> MaterialView:
    """A file's bytes (kept by the caller under the returned stored name) or a link."""
    if (data is None) == (url is None):
        raise InvalidInput("Give a file or a link (https://...), one of the two.")
    language = lang.strip()
    if not LANGUAGE.match(language):
        raise InvalidInput(f"'{lang}' is not a language code: use one like en, es, pt or ht.")
    session = get_session(db, session_id) if session_id is not None else None
    phase_id = get_phase(db, phase).id if phase else (session.phase_id if session else None)
    material = Material(
        title="", lang=language, added_on=on, session_id=session.id if session else None, phase_id=phase_id
    )
    if data is not None:
        if len(data) > MAX_BYTES:
            raise InvalidInput(
                f"{file_name} is larger than {MAX_BYTES // (1024 * 1024)} MB; share it as a link instead."
            )
        material.file_name = clean_text(Path(file_name).name, what="file name", limit=300)
        material.sha256, material.stored_name = stored_name_for(data, file_name)
        material.size = len(data)
    else:
        material.url = _check_link(url)
    material.title = clean_text(title or Path(material.file_name).stem or material.url, what="title", limit=300)
    db.add(material)
    db.flush()
    return _views(db, [material])[0]


def remove_material(db: Session, *, material_id: int) -> tuple[MaterialView, bool]:
    """Remove it from the register; True when its file is no longer used by another entry."""
    material = _get(db, material_id)
    view = _views(db, [material])[0]
    db.delete(material)
    db.flush()
    shared = (
        material.stored_name
        and db.exec(select(Material.id).where(Material.stored_name == material.stored_name)).first()
    )
    return view, bool(material.stored_name) and not shared


def file_problem(view: MaterialView, folder: Path) -> str | None:
    """What is wrong with a material's file in the folder, in words, or None."""
    if view.is_link:
        return None
    path = folder / view.stored_name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return f"Material {view.id} ({view.title}): its file {path} is missing. Add it again with `coop materials add`, or restore the materials folder."
    except OSError as error:
        return f"Material {view.id} ({view.title}): its file {path} cannot be read ({error.strerror})."
    if hashlib.sha256(data).hexdigest() != view.sha256:
        return f"Material {view.id} ({view.title}): its file {path} has changed since it was added (SHA-256 differs)."
    return None


def check_files(db: Session, *, folder: Path) -> list[str]:
    return [problem for view in list_materials(db) if (problem := file_problem(view, folder))]


def current_unity_version(db: Session) -> int | None:
    """The points of unity a packet carries: the adopted version, else the latest one."""
    from coopprogram.services.unity import list_drafts

    drafts = list_drafts(db)
    adopted = [d.version for d in drafts if d.status == DraftStatus.ADOPTED]
    return max(adopted) if adopted else max((d.version for d in drafts), default=None)
