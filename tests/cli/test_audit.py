"""`coop audit`: an invoice's whole history, contacts masked with the actor named, contract amendments."""

import json


def test_audit_shows_an_invoice_whole_history(coop, demo_url) -> None:
    assert coop("invoices", "pay", "SEI-2022-003", "--on", "2022-01-30").exit_code == 0
    rows = json.loads(coop("audit", "--entity", "invoice", "--id", "3", "--json").stdout)
    assert rows[0]["action"] == "create"
    statuses = [r["changes"]["status"] for r in rows if "status" in r["changes"] and r["action"] == "update"]
    assert statuses == [["draft", "issued"], ["issued", "paid"]]
    assert rows[-1]["command"] == "coop invoices pay" and rows[-1]["actor"]


def test_audit_masks_contacts_and_names_the_actor(coop, demo_url, monkeypatch) -> None:
    monkeypatch.setenv("COOP_USER", "Marisol")
    coop("coops", "edit", "voces", "--contact-phone", "978-555-9999", "--city", "Methuen")
    [row] = json.loads(coop("audit", "--entity", "coop", "--id", "6", "--json").stdout)[-1:]
    assert row["actor"] == "Marisol" and row["changes"]["city"] == ["Lowell", "Methuen"]
    assert row["changes"]["contact_phone"] == ["(set)", "(set)"]
    assert "555-9999" not in coop("audit").stdout and "978-555" not in json.dumps(
        json.loads(coop("audit", "--json", "--limit", "5000").stdout)
    )


def test_contract_amendments_are_in_the_audit(coop, demo_url) -> None:
    coop("contract", "amend", "--cap", "110", "--reason", "Strategy sessions added")
    rows = json.loads(coop("audit", "--entity", "contract", "--json").stdout)
    assert any(r["entity"] == "contractamendment" and r["changes"]["reason"] == "Strategy sessions added" for r in rows)
    assert any(r["entity"] == "contract" and r["changes"].get("hour_cap_minutes") == [6000, 6600] for r in rows)
