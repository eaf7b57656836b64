"""`coop budget` through the command line: the demo's money figures checked by hand."""

import json
from pathlib import Path


def test_demo_money_figures(coop, demo_url, tmp_path: Path) -> None:
    # sample_data/hours.csv: Oct 14:45 ($958.75), Nov 16:15 ($1,056.25), Dec 13:00 ($845.00) at $65/h;
    # January 6:00 (4 entries, $390.00) not yet invoiced; 0:30 non-billable. Invoiced: $2,860.00.
    invoices = json.loads(coop("invoices", "list", "--json").stdout)
    assert [(i["reference"], i["total_cents"], i["status"]) for i in invoices] == [
        ("SEI-2021-001", 95875, "paid"),
        ("SEI-2021-002", 105625, "paid"),
        ("SEI-2022-003", 84500, "issued"),
    ]
    budget = json.loads(coop("budget", "--as-of", "2022-01-15", "--json").stdout)
    assert (budget["used_minutes"], budget["left_minutes"], budget["non_billable_minutes"]) == (3000, 3000, 30)
    assert (budget["billed_cents"], budget["paid_cents"], budget["used_cents"]) == (286000, 201500, 325000)
    assert budget["planned_minutes"] == 3527  # 6000 * 107 / 182 = 3527.47
    assert budget["cap_cents_range"] == [500000, 750000]
    status = coop("status", "--as-of", "2022-01-15").stdout
    assert "Hours (Phase I): 50:00 of 100:00 used (50%) · 50:00 left · 8:47 h behind an even pace" in status
    assert "SEI-2022-003 $845.00 due 2022-02-02" in status
    shown = coop("budget", "--as-of", "2022-01-15").stdout
    assert (
        "Pace: 8:47 h behind an even pace (an even pace would have used 58:47 by now)." in shown
        and "run out on 2022-05-02" in shown
    )
