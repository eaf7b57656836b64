"""Documents in the co-ops' languages: each co-op's languages kept (edit, CSV); `--lang` on
every document a co-op receives; the co-op's own language by default for its feed and its
messages; none of the English template words left in a Spanish document; translations of the
points of unity pinned to the text they translate; translated titles."""

from __future__ import annotations

import csv
import io
import re
from email import message_from_bytes, policy
from pathlib import Path

import vobject
from pypdf import PdfReader

from coopprogram.config import files_folder

# The fixed words of the English templates (agenda, minutes, calendar, points of unity), as a
# Spanish or Portuguese reader would notice them. "Agenda" is also Spanish, so it is not here.
ENGLISH_WORDS = [
    "Where",
    "Online",
    "Facilitator",
    "Time",
    "Item",
    "Lead",
    "Minutes",
    "minutes planned",
    "page",
    "Attendance",
    "Attended",
    "Absent",
    "Excused",
    "Decisions",
    "Action items",
    "Next session",
    "None recorded",
    "Join online",
    "Cancelled",
    "CANCELLED",
    "Milestone due",
    "milestone",
    "This session is cancelled",
    "Endorsed by",
    "Standing aside",
    "Signature and date",
    "version",
    "circulated",
    "responses due",
    "not yet adopted",
    "Invitation",
    "Hello",
    "The invitation is attached",
    "Reminder",
]


def _english_words_in(text: str) -> list[str]:
    return [word for word in ENGLISH_WORDS if re.search(rf"\b{re.escape(word)}\b", text)]


def _pdf_text(path: Path) -> str:
    """The PDF's words, one space between them (justified lines break anywhere)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def _unfold(text: str) -> str:
    """An .ics or email with its folded lines joined, and plain line ends."""
    return re.sub(r"\r?\n[ \t]", "", text).replace("\r\n", "\n")


def test_a_co_ops_languages_are_kept_shown_and_exported(coop, demo_url, tmp_path: Path) -> None:
    assert coop("coops", "edit", "casa-limpia", "--languages", "es, EN").exit_code == 0
    assert "Speaks:   es (Spanish), en (English)" in coop("coops", "show", "casa-limpia").stdout
    refused = coop("coops", "edit", "casa-limpia", "--languages", "es,zz")
    assert (
        refused.exit_code == 1 and refused.stderr.count("\n") == 1 and "'zz' is not a language code" in refused.stderr
    )
    exported = coop("coops", "export")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}
    assert rows["casa-limpia"]["languages"] == "es,en" and rows["voces"]["languages"] == ""
    sheet = tmp_path / "coops.csv"
    sheet.write_text('slug,languages\nvoces,"km,pt,es"\n', encoding="utf-8")
    assert coop("coops", "import", str(sheet)).exit_code == 0
    assert "km (Khmer), pt (Portuguese), es (Spanish)" in coop("coops", "show", "voces").stdout


def test_the_agenda_in_spanish_holds_no_english_template_word(coop, demo_url, tmp_path: Path) -> None:
    markdown = coop("agenda", "export", "17", "--lang", "es")
    assert markdown.exit_code == 0, markdown.stderr
    assert "Points of unity workshop · jueves, 20 de enero de 2022 · 18:00–20:00" in markdown.stdout
    assert "| Hora | Punto | A cargo de | Minutos |" in markdown.stdout
    assert "Facilitación: Marisol Okafor-Reyes" in markdown.stdout
    # What people wrote (titles, the kind's name) stays as written; only the template's words change.
    assert _english_words_in(markdown.stdout.replace("Points of unity workshop", "")) == []
    pdf = tmp_path / "agenda.pdf"
    assert coop("agenda", "export", "17", "--lang", "es", "-o", str(pdf)).exit_code == 0
    text = _pdf_text(pdf)
    assert (
        "jueves, 20 de enero de 2022" in text and "120 de 120 minutos planificados." in text and "página 1 de 1" in text
    )
    assert _english_words_in(text.replace("Points of unity workshop", "")) == []


def test_english_documents_are_unchanged(coop, demo_url, tmp_path: Path) -> None:
    english = coop("agenda", "export", "17").stdout
    assert coop("agenda", "export", "17", "--lang", "en").stdout == english
    assert "Points of unity workshop · Thursday January 20, 2022 · 18:00–20:00" in english
    assert "| Time | Item | Lead | Minutes |" in english and "  \nFacilitator: Marisol Okafor-Reyes" in english
    pdf = tmp_path / "agenda.pdf"
    assert coop("agenda", "export", "17", "-o", str(pdf)).exit_code == 0
    text = _pdf_text(pdf)
    assert "2022-01-20" in text and "120 of 120 minutes planned." in text and "page 1 of 1" in text


def test_minutes_in_portuguese(coop, demo_url, tmp_path: Path) -> None:
    markdown = coop("sessions", "minutes", "14", "--lang", "pt")
    assert markdown.exit_code == 0, markdown.stderr
    assert markdown.stdout.startswith("# Ata: Visioning session 1: our histories\n")
    assert "quinta-feira, 4 de novembro de 2021 · 18:00–20:30 (America/New_York)" in markdown.stdout
    assert "## Presença" in markdown.stdout and "## Próxima sessão" in markdown.stdout
    assert _english_words_in(re.sub(r"Visioning session[^\n·]*", "", markdown.stdout)) == []
    pdf = tmp_path / "minutes.pdf"
    assert coop("sessions", "minutes", "14", "--lang", "pt", "-o", str(pdf)).exit_code == 0
    text = _pdf_text(pdf)
    assert "Ata: Visioning session 1" in text and "Presença" in text and "quinta-feira, 4 de novembro de 2021" in text
    assert _english_words_in(re.sub(r"Visioning session[^\n·]*", "", text)) == []


def test_a_co_ops_calendar_is_in_its_language_unless_asked_otherwise(coop, demo_url) -> None:
    assert (
        coop("coops", "edit", "casa-limpia", "--languages", "ht,es").exit_code == 0
    )  # Haitian Creole first: no catalog, so Spanish
    feed = coop("calendar", "export", "--coop", "casa-limpia")
    assert feed.exit_code == 0, feed.stderr
    calendar = vobject.readOne(feed.stdout)
    summaries = [event.summary.value for event in calendar.vevent_list]
    descriptions = "\n".join(event.description.value for event in calendar.vevent_list)
    assert summaries and not any(s.startswith("Cancelled") for s in summaries)
    assert "Unirse en línea: https://meet.example.org/sei-unity" in descriptions
    assert _english_words_in(descriptions) == []
    english = _unfold(coop("calendar", "export", "--coop", "casa-limpia", "--lang", "en").stdout)
    assert "Join online: https://meet.example.org/sei-unity" in english
    whole = _unfold(coop("calendar", "export", "--lang", "pt").stdout)
    assert (
        "SUMMARY:Prazo da etapa: " in whole
        and "SUMMARY:Cancelada: Co-op Working Group call" in whole
        and "CANCELADA" in whole
    )
    assert "Milestone due" not in whole and "Cancelled" not in whole


def test_publish_writes_each_co_ops_feed_in_its_language(coop, demo_url, tmp_path: Path) -> None:
    assert coop("coops", "edit", "casa-limpia", "--languages", "es,en").exit_code == 0
    assert coop("coops", "edit", "voces", "--languages", "km,pt").exit_code == 0
    folder = tmp_path / "www"
    assert coop("calendar", "publish", str(folder)).exit_code == 0
    feeds = {path.name.rsplit("-", 1)[0]: _unfold(path.read_text(encoding="utf-8")) for path in folder.glob("*.ics")}
    assert "Unirse en línea" in feeds["casa-limpia"] and "Join online" not in feeds["casa-limpia"]
    assert "Participar on-line" in feeds["voces"] and "Join online" not in feeds["voces"]
    assert "Join online" in feeds["program"] and "Join online" in feeds["sabor-colectivo"]
    # The program's feed follows --lang; the co-ops' feeds keep their own language.
    assert coop("calendar", "publish", str(folder), "--lang", "pt").exit_code == 0
    feeds = {path.name.rsplit("-", 1)[0]: _unfold(path.read_text(encoding="utf-8")) for path in folder.glob("*.ics")}
    assert "Participar on-line" in feeds["program"] and "Unirse en línea" in feeds["casa-limpia"]


def test_the_configured_language_is_the_default_and_flags_and_the_environment_win(coop, demo_url, monkeypatch) -> None:
    assert coop("config", "set", "language", "es").exit_code == 0
    assert "jueves, 20 de enero de 2022" in coop("agenda", "export", "17").stdout
    assert "Thursday January 20, 2022" in coop("agenda", "export", "17", "--lang", "en").stdout
    monkeypatch.setenv("COOP_LANG", "pt")
    assert "quinta-feira, 20 de janeiro de 2022" in coop("agenda", "export", "17").stdout
    refused = coop("config", "set", "language", "fr")
    assert refused.exit_code == 1 and "the languages are en (English), es (Español), pt (Português)" in refused.stderr


def test_an_unknown_language_is_one_line_naming_the_languages(coop, demo_url) -> None:
    result = coop("agenda", "export", "17", "--lang", "fr")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "There is no 'fr' translation: the languages are en (English), es (Español), pt (Português)" in result.stderr


def test_translated_titles_show_in_documents_of_that_language(coop, demo_url) -> None:
    assert coop("sessions", "edit", "17", "--lang", "es", "--title", "Taller de puntos de unidad").exit_code == 0
    assert coop("agenda", "edit", "15", "--lang", "es", "--title", "Leemos juntas el borrador").exit_code == 0
    spanish = coop("agenda", "export", "17", "--lang", "es").stdout
    assert spanish.startswith("# Taller de puntos de unidad\n") and "| 18:00 | Leemos juntas el borrador |" in spanish
    english = coop("agenda", "export", "17").stdout
    assert english.startswith("# Points of unity workshop\n") and "Reading the draft together" in english
    ics = _unfold(coop("calendar", "export", "--lang", "es").stdout)
    assert "SUMMARY:Taller de puntos de unidad" in ics and "18:00 Leemos juntas el borrador" in ics
    refused = coop("agenda", "edit", "15", "--lang", "es", "--minutes", "20")
    assert refused.exit_code == 2 and "with --lang, give --title" in refused.stderr
    assert coop("sessions", "edit", "17", "--lang", "es", "--title", "").exit_code == 0
    assert coop("agenda", "export", "17", "--lang", "es").stdout.startswith("# Points of unity workshop\n")
    assert coop("agenda", "remove", "15").exit_code == 0  # its translations go with it


NEW_TEXT = "# Points of unity\n\nWhy we come together.\n\n1. Worker ownership.\n2. Democracy in every decision.\n"
SPANISH = (
    "# Puntos de unidad\n\nPor qué nos unimos.\n\n1. Propiedad de quienes trabajan.\n2. Democracia en cada decisión.\n"
)


def test_a_translation_is_pinned_to_the_text_and_marked_out_of_date(coop, demo_url, tmp_path: Path) -> None:
    draft, spanish = tmp_path / "v4.md", tmp_path / "v4-es.md"
    draft.write_text(NEW_TEXT, encoding="utf-8")
    spanish.write_text(SPANISH, encoding="utf-8")
    assert coop("unity", "new", "--file", str(draft)).exit_code == 0
    short = tmp_path / "short.md"
    short.write_text("1. Solo un punto.\n", encoding="utf-8")
    refused = coop("unity", "translate", "4", "--lang", "es", "--file", str(short))
    assert refused.exit_code == 1 and "1 numbered points and version 4 has 2" in refused.stderr
    stored = coop("unity", "translate", "4", "--lang", "es", "--file", str(spanish))
    assert stored.exit_code == 0 and "Stored the Español translation of version 4: 2 points" in stored.stdout
    assert "Translations: es (Español) current" in coop("unity", "show", "4").stdout

    exported = coop("unity", "export", "4", "--lang", "es")
    assert exported.exit_code == 0 and exported.stderr == ""
    assert exported.stdout.startswith("# Puntos de unidad\n") and "1. Propiedad de quienes trabajan." in exported.stdout
    assert "*Aún no enviada*" in exported.stdout and "## La respaldan" in exported.stdout
    pdf = tmp_path / "v4.pdf"
    assert coop("unity", "export", "4", "--lang", "es", "-o", str(pdf)).exit_code == 0
    text = _pdf_text(pdf)
    assert (
        "Propiedad de quienes trabajan" in text
        and "Nadie ha respaldado esta versión todavía." in text
        and "BORRADOR: aún no adoptada" in text
    )
    assert (
        _english_words_in(
            text.replace("Movement Co-op Program pilot", "").replace(
                "Solidarity Economy Initiative (SEI) Co-op Working Group", ""
            )
        )
        == []
    )

    # The text changes: the translation no longer says what the version says.
    draft.write_text(NEW_TEXT.replace("Worker ownership.", "Worker ownership and control."), encoding="utf-8")
    assert coop("unity", "edit", "4", "--file", str(draft)).exit_code == 0
    assert "Translations: es (Español) out of date" in coop("unity", "show", "4").stdout
    stale = coop("unity", "export", "4", "--lang", "es")
    assert stale.exit_code == 0 and "translation of version 4 is out of date" in stale.stderr
    assert (
        "**La traducción de esta versión está desactualizada" in stale.stdout
        and "1. Worker ownership and control." in stale.stdout
    )
    missing = coop("unity", "export", "4", "--lang", "pt")
    assert (
        "has no translation into Português" in missing.stderr
        and "**O texto abaixo ainda não foi traduzido" in missing.stdout
    )


def test_circulate_names_the_co_ops_whose_language_lacks_a_current_translation(coop, demo_url, tmp_path: Path) -> None:
    assert coop("coops", "edit", "casa-limpia", "--languages", "es,en").exit_code == 0
    assert coop("coops", "edit", "voces", "--languages", "km,pt").exit_code == 0
    assert (
        coop("coops", "edit", "sabor-colectivo", "--languages", "en,es").exit_code == 0
    )  # reads English first: nothing lacking
    draft, spanish = tmp_path / "v4.md", tmp_path / "v4-es.md"
    draft.write_text(NEW_TEXT, encoding="utf-8")
    spanish.write_text(SPANISH, encoding="utf-8")
    assert coop("unity", "new", "--file", str(draft)).exit_code == 0
    assert coop("unity", "translate", "4", "--lang", "es", "--file", str(spanish)).exit_code == 0
    circulated = coop("unity", "circulate", "4", "--deadline", "2022-03-01", "--on", "2022-02-01")
    assert circulated.exit_code == 0, circulated.stderr
    lines = [line for line in circulated.stdout.splitlines() if line.startswith("No current")]
    assert lines == [
        "No current Português translation for Voces Language Justice Cooperative: add one with `coop unity translate 4 --lang pt --file FILE.md`."
    ]


def test_messages_go_in_each_co_ops_language(coop, db_url) -> None:
    assert coop("program", "set", "mail-from", "SEI Co-op Working Group <coop@sei.example.org>").exit_code == 0
    for slug, languages in (("casa-limpia", "es,en"), ("voces", "km,pt"), ("tierra-viva", "")):
        added = coop(
            "coops",
            "add",
            slug.replace("-", " ").title(),
            "--kind",
            "worker",
            "--slug",
            slug,
            "--contact-name",
            "Ana",
            "--contact-email",
            f"ana@{slug}.example.org",
            "--joined",
            "2021-10-01",
            *(["--languages", languages] if languages else []),
        )
        assert added.exit_code == 0, added.stderr
    assert (
        coop(
            "sessions",
            "add",
            "Points of unity workshop",
            "--kind",
            "unity",
            "--start",
            "2022-01-20 18:00",
            "--minutes",
            "120",
            "--link",
            "https://meet.example.org/x",
        ).exit_code
        == 0
    )
    assert coop("messages", "compose", "--as-of", "2022-01-10").exit_code == 0
    outbox = files_folder(db_url, "outbox")
    emails = {}
    for path in outbox.glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        emails[message["To"].addresses[0].addr_spec.split("@")[1].split(".")[0]] = message
    casa, voces, tierra = emails["casa-limpia"], emails["voces"], emails["tierra-viva"]
    assert casa["Subject"] == "Invitación: Points of unity workshop, jue, 20 ene 2022, 18:00"
    body = _unfold(casa.get_body(preferencelist=("plain",)).get_content())
    assert (
        body.startswith("Hola, Ana:\n")
        and "jueves, 20 de enero de 2022 · 18:00–20:00" in body
        and "Unirse en línea: https://meet.example.org/x" in body
    )
    assert _english_words_in(body) == []
    [invite] = [part for part in casa.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert "Unirse en línea" in _unfold(invite.get_content())
    assert voces["Subject"] == "Convite: Points of unity workshop, qui., 20 jan. 2022, 18:00"
    assert "Olá, Ana," in voces.get_body(preferencelist=("plain",)).get_content()
    assert tierra["Subject"] == "Invitation: Points of unity workshop, Thu Jan 20, 2022, 18:00"
    text = next(outbox.glob("*casa-limpia*.txt")).read_text(encoding="utf-8")
    assert "Invitación: Points of unity workshop" in text


def test_the_packet_in_spanish(coop, demo_url, tmp_path: Path) -> None:
    target = tmp_path / "packet"
    result = coop("materials", "packet", "17", "-o", str(target), "--lang", "es")
    assert result.exit_code == 0, result.stderr
    index = (target / "README.md").read_text(encoding="utf-8")
    assert index.startswith("# Carpeta: Points of unity workshop\n") and "- agenda.md: la agenda" in index
    assert "los puntos de unidad, versión 3 (en circulación)" in index
    assert "jueves, 20 de enero de 2022" in (target / "agenda.md").read_text(encoding="utf-8")
    unity = (target / "points-of-unity-v3.md").read_text(encoding="utf-8")
    assert "*Enviada el 12 de enero de 2022 · respuestas hasta el 28 de enero de 2022*" in unity


def test_an_invoice_in_spanish_and_portuguese(coop, demo_url, tmp_path: Path) -> None:
    english = coop("invoices", "export", "SEI-2021-002").stdout
    assert "**Amount due: $0.00**" in english and "| 2021-11-04 |" in english
    spanish = coop("invoices", "export", "SEI-2021-002", "--lang", "es")
    assert spanish.exit_code == 0, spanish.stderr
    assert spanish.stdout.startswith("# Factura SEI-2021-002\n")
    assert (
        "- **Periodo:** noviembre de 2021" in spanish.stdout
        and "- **Condiciones:** A 30 días, vence el 31 de diciembre de 2021" in spanish.stdout
    )
    assert (
        "| 4 nov 2021 | Facilitated visioning session 1: our histories | Visioning sessions | 3,00 | 65,00\xa0US$ | 195,00\xa0US$ |"
        in spanish.stdout
    )
    assert "| | **Total** | | **16,25** | | **1.056,25\xa0US$** |" in spanish.stdout
    assert "- Pago recibido el 22 de diciembre de 2021: 1.056,25\xa0US$" in spanish.stdout
    pdf = tmp_path / "invoice.pdf"
    assert coop("invoices", "export", "SEI-2021-002", "--lang", "pt", "-o", str(pdf)).exit_code == 0
    text = _pdf_text(pdf)
    assert text.startswith("Fatura SEI-2021-002 PAGA 22 de dezembro de 2021 Período: novembro de 2021")
    assert "US$ 1.056,25" in text.replace("\xa0", " ") and "Valor a pagar" in text and "página 1 de" in text


def test_publishing_again_rewrites_a_feed_whose_language_or_agenda_changed(coop, demo_url, tmp_path: Path) -> None:
    """The publish skips feeds whose fingerprint is unchanged: a co-op's new language and a
    translated agenda item change what its feed says, so that feed is written again."""
    folder = tmp_path / "www"
    assert coop("calendar", "publish", str(folder)).exit_code == 0

    def feeds() -> dict[str, str]:
        return {path.name.rsplit("-", 1)[0]: _unfold(path.read_text(encoding="utf-8")) for path in folder.glob("*.ics")}

    before = feeds()
    assert "Join online" in before["casa-limpia"] and "Unirse en línea" not in before["casa-limpia"]
    assert coop("coops", "edit", "casa-limpia", "--languages", "es").exit_code == 0
    relanguaged = coop("calendar", "publish", str(folder))
    assert relanguaged.exit_code == 0 and "1 written" in relanguaged.stdout, relanguaged.stdout
    after = feeds()
    assert "Unirse en línea" in after["casa-limpia"] and "Join online" not in after["casa-limpia"]
    assert {slug for slug in after if after[slug] != before[slug]} == {"casa-limpia"}

    assert "18:00 Leemos juntas el borrador" not in after["casa-limpia"]
    assert coop("agenda", "edit", "15", "--lang", "es", "--title", "Leemos juntas el borrador").exit_code == 0
    retitled = coop("calendar", "publish", str(folder))
    assert retitled.exit_code == 0, retitled.stderr
    again = feeds()
    assert "18:00 Leemos juntas el borrador" in again["casa-limpia"]  # the agenda line of session 17's description
    assert "Leemos juntas" not in again["program"]  # the English feeds keep the English title
