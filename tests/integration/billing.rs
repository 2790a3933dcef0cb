//! The billing basis (issue 6) on a hand-computed fixture, to the öre, and its
//! reconciliation on the demo data.
//!
//! Fixture (tests/fixtures/billing-*.{csv,toml}): rounding to started 30 minutes, VAT 25 %,
//! customers Kävlinge, Staffanstorp, Burlöv with allocation weights 3 : 2 : 2 for the shared
//! customer "Gemensam". Prices: Ny dator 12 500,00 until 15 Oct 2026 and 13 200,00 from
//! then; Headset 890,50; work 950,00 per hour ('*'), Business Systems 1 100,00.

use calamine::{open_workbook_auto, Data, Reader};

use crate::{fixture, itsm_ok, rows, Tmp};

fn built(name: &str) -> Tmp {
    let t = Tmp::new(&format!("billing-{name}"));
    std::fs::copy(fixture("billing-itsm.toml"), t.path("itsm.toml")).unwrap();
    std::fs::copy(fixture("billing-prices.csv"), t.path("billing-prices.csv")).unwrap();
    itsm_ok(&t.0, &["ingest", &fixture("billing-tickets.csv")]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-10-31 17:00"]);
    t
}

#[test]
fn billing_lines_allocation_and_totals_match_to_the_ore() {
    let t = built("lines");
    let lines = rows(
        &t.db(),
        "SELECT section, customer, charge_type, price_key, unit_price, unallocated_reason, tickets, quantity, amount \
         FROM kpi_billing_line WHERE month = DATE '2026-10-01' ORDER BY ALL",
    );
    // Quantities are hours to 4 decimals (DECIMAL(18, 4), issue 11: 20 minutes are 0,3333 h,
    // priced from the minutes, not from rounded hours).
    let want = [
        "customer,Burlöv,item,Headset,890.50,,1,1.0000,890.50", // B3
        "customer,Kävlinge,item,Ny dator,12500.00,,1,1.0000,12500.00", // B1, 5 Oct: the old price
        // B14 resolved 15 Oct 00:30 Stockholm (14 Oct 22:30 UTC): the local day, the new price.
        "customer,Kävlinge,item,Ny dator,13200.00,,1,1.0000,13200.00",
        // B4: 61 min → 3 started half hours = 1,5 h × 950 = 1 425,00; B13: 0 min, still listed.
        "customer,Kävlinge,work,Infrastructure,950.00,,2,1.5000,1425.00",
        "customer,Staffanstorp,item,Ny dator,13200.00,,1,1.0000,13200.00", // B2
        "customer,Staffanstorp,work,Business Systems,1100.00,,1,0.5000,550.00", // B5: 30 min = 0,5 h × 1 100
        "shared,Gemensam,item,Headset,890.50,,1,1.0000,890.50",            // B6
        // B7: 100 min → 4 half hours = 2 h; Vendor ERP has no rate of its own: '*' 950.
        "shared,Gemensam,work,Vendor ERP,950.00,,1,2.0000,1900.00",
        "unallocated,,item,Headset,890.50,no customer,1,1.0000,890.50", // B9
        "unallocated,,item,Surfplatta, specialmodell,,unpriced item,1,1.0000,", // B8: not in the price list
    ];
    assert_eq!(lines, want.join("\n"));

    let allocation =
        rows(&t.db(), "SELECT price_key, customer, amount FROM kpi_billing_allocation ORDER BY price_key, customer");
    // Headset 89 050 öre: Kävlinge 89 050 × 3 / 7 = 38 164 rest 2; Staffanstorp and Burlöv
    // 89 050 × 2 / 7 = 25 442 rest 6. 2 öre left over go to the largest rests (Burlöv,
    // Staffanstorp): 381,64 + 254,43 + 254,43 = 890,50.
    // Vendor ERP 190 000 öre: 81 428 rest 4; 54 285 rest 5 twice; 2 öre to Burlöv and
    // Staffanstorp: 814,28 + 542,86 + 542,86 = 1 900,00.
    let want = [
        "Headset,Burlöv,254.43",
        "Headset,Kävlinge,381.64",
        "Headset,Staffanstorp,254.43",
        "Vendor ERP,Burlöv,542.86",
        "Vendor ERP,Kävlinge,814.28",
        "Vendor ERP,Staffanstorp,542.86",
    ];
    assert_eq!(allocation, want.join("\n"));

    let customers = rows(
        &t.db(),
        "SELECT customer, own_amount, allocated_amount, net_amount, vat_amount, gross_amount FROM kpi_billing_customer \
         WHERE month = DATE '2026-10-01' ORDER BY customer",
    );
    let want = [
        // own 890,50; allocated 254,43 + 542,86 = 797,29; net 1 687,79; VAT 421,9475 → 421,95
        "Burlöv,890.50,797.29,1687.79,421.95,2109.74",
        // own 12 500 + 13 200 + 1 425 = 27 125; allocated 381,64 + 814,28 = 1 195,92; VAT 7 080,23
        "Kävlinge,27125.00,1195.92,28320.92,7080.23,35401.15",
        // own 13 200 + 550 = 13 750; allocated 797,29; net 14 547,29; VAT 3 636,8225 → 3 636,82
        "Staffanstorp,13750.00,797.29,14547.29,3636.82,18184.11",
    ];
    assert_eq!(customers, want.join("\n"));

    // Grand total: customers' nets 44 556,00 + unallocated 890,50 = 45 446,50 = sum of lines.
    assert_eq!(rows(&t.db(), "SELECT sum(amount) FROM kpi_billing_line WHERE month = DATE '2026-10-01'"), "45446.50");
    // The totals the billing basis prints, summed in SQL (kpi_billing_total): customers' own
    // 890,50 + 27 125 + 13 750 = 41 765,50; allocated 797,29 + 1 195,92 + 797,29 = 2 790,50
    // (= the shared lines 890,50 + 1 900); net 44 556,00; VAT 421,95 + 7 080,23 + 3 636,82 =
    // 11 139,00; gross 55 695,00. Unallocated 890,50 (B8 has no price, so no amount); 11
    // tickets in the lines and 11 billable tickets whose amounts add up to the lines.
    assert_eq!(
        rows(
            &t.db(),
            "SELECT customers_own_amount, customers_allocated_amount, customers_net_amount, customers_vat_amount, \
             customers_gross_amount, unallocated_amount, lines_amount, customers_and_unallocated_amount, \
             tickets_in_lines, billable_tickets, tickets_amount, unallocated_tickets_amount, difference_amount, currency \
             FROM kpi_billing_total WHERE month = DATE '2026-10-01'"
        ),
        "41765.50,2790.50,44556.00,11139.00,55695.00,890.50,45446.50,45446.50,11,11,45446.50,890.50,0.00,SEK"
    );
    // The allocation key once per customer: weights 3 : 2 : 2 of 7.
    assert_eq!(
        rows(&t.db(), "SELECT customer, weight, total_weight, share_percent FROM kpi_billing_allocation_key WHERE month = DATE '2026-10-01' ORDER BY ALL"),
        "Burlöv,2,7,28.57\nKävlinge,3,7,42.86\nStaffanstorp,2,7,28.57"
    );
    // Billable tickets of October: B1–B9, B13, B14 — each exactly once; B10, B11 are covered.
    assert_eq!(
        rows(&t.db(), "SELECT string_agg(ticket_id, ' ' ORDER BY length(ticket_id), ticket_id) FROM kpi_billing_ticket WHERE month = DATE '2026-10-01'"),
        "B1 B2 B3 B4 B5 B6 B7 B8 B9 B13 B14"
    );
    assert_eq!(
        rows(&t.db(), "SELECT customer, service, incidents, requests FROM kpi_billing_covered WHERE month = DATE '2026-10-01' ORDER BY ALL"),
        "Burlöv,Klient,1,0\nKävlinge,Klient,0,1"
    );
}

fn cell(range: &calamine::Range<Data>, row: usize, col: usize) -> Data {
    range.get_value((row as u32, col as u32)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn billing_report_writes_xlsx_csv_and_html_that_agree() {
    let t = built("files");
    itsm_ok(&t.0, &["report", "billing", "--month", "2026-10", "--lang", "en", "--out", "b"]);
    let csv = std::fs::read_to_string(t.path("b/billing.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 10, "a header and the 10 lines");
    assert!(csv.contains("2026-10,customer,Kävlinge,work,Infrastructure,950.00,1.5000,1425.00,SEK,2,"), "{csv}");
    let html = std::fs::read_to_string(t.path("b/billing.html")).unwrap();
    assert!(html.contains("Billing basis") && !html.contains("Anna Berg"), "requesters pseudonymised");
    assert!(
        html.contains("Allocation key of shared tickets: Burlöv 2 (28.57 %), Kävlinge 3 (42.86 %)"),
        "the key is printed"
    );
    assert!(html.contains("Covered by the base agreement (not billed)"), "covered tickets are shown");
    assert!(html.contains("<td class=\"num\">45,446.50 SEK</td>"), "the grand total from kpi_billing_total");
    assert!(html.contains("<td>Work (Infrastructure)</td>"), "work lines name the team");
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "self-contained");

    let mut wb = open_workbook_auto(t.path("b/billing.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), ["Summary", "Burlöv", "Kävlinge", "Staffanstorp", "Unallocated", "Reconciliation"]);
    let summary = wb.worksheet_range("Summary").unwrap();
    // Customers in rows 2–4, their total in row 5 (a SUM formula whose cached value is the sum).
    assert_eq!(cell(&summary, 2, 0), Data::String("Kävlinge".into()));
    assert_eq!(cell(&summary, 2, 3), Data::Float(28320.92));
    assert_eq!(cell(&summary, 4, 3), Data::Float(44556.0));
    let formulas = wb.worksheet_formula("Summary").unwrap();
    assert_eq!(formulas.get_value((4, 3)).map(String::as_str), Some("SUM(D2:D4)"));
    // Unallocated, then the grand total = customers + unallocated.
    assert_eq!(cell(&summary, 6, 3), Data::Float(890.5));
    assert_eq!(cell(&summary, 7, 3), Data::Float(45446.5));
    let unallocated = wb.worksheet_range("Unallocated").unwrap();
    assert!(matches!(cell(&unallocated, 1, 2), Data::DateTime(_)), "resolution dates are date cells");
    let reconciliation = wb.worksheet_range("Reconciliation").unwrap();
    assert_eq!(cell(&reconciliation, 1, 1), Data::Float(11.0), "billable tickets");
    assert_eq!(cell(&reconciliation, 2, 1), Data::Float(11.0), "tickets in lines");
    assert_eq!(cell(&reconciliation, 6, 1), Data::Float(0.0), "difference");
}

#[test]
fn demo_billing_lines_sum_to_the_total_and_every_billable_ticket_appears_once() {
    let t = Tmp::new("billing-demo");
    let dir = t.path("demo");
    itsm_ok(&t.0, &["demo", "--dir", dir.to_str().unwrap()]);
    let db = dir.join("itsm.duckdb");
    assert!(dir.join("reports/2026-10/billing.xlsx").is_file());
    // Per month: lines = charges; customers' nets + unallocated = lines.
    let mismatch = rows(
        &db,
        "WITH l AS (SELECT month, sum(amount) AS total FROM kpi_billing_line GROUP BY month), \
         c AS (SELECT month, sum(net_amount) AS net FROM kpi_billing_customer GROUP BY month), \
         u AS (SELECT month, sum(amount) AS amount FROM kpi_billing_line WHERE section = 'unallocated' GROUP BY month) \
         SELECT l.month FROM l LEFT JOIN c USING (month) LEFT JOIN u USING (month) \
         WHERE l.total <> coalesce(c.net, 0) + coalesce(u.amount, 0)",
    );
    assert_eq!(mismatch, "");
    // Every billable, resolved, not cancelled ticket is in exactly one line of its month.
    let billable = rows(
        &db,
        "SELECT count(*) FROM fct_ticket_flow f JOIN fct_ticket t USING (source, ticket_id) \
         WHERE t.billable AND f.resolved_at IS NOT NULL AND NOT f.cancelled",
    );
    let in_lines = rows(&db, "SELECT sum(tickets) FROM kpi_billing_line WHERE charge_type <> 'pass_through'");
    let distinct = rows(
        &db,
        "SELECT count(DISTINCT (source, ticket_id)) FROM kpi_billing_ticket WHERE charge_type <> 'pass_through'",
    );
    assert_eq!((in_lines.as_str(), distinct.as_str()), (billable.as_str(), billable.as_str()));
    assert!(billable.parse::<i64>().unwrap() > 500, "{billable}");
    // Issue 16: every resolved, not cancelled ticket with a third-party cost is in exactly one
    // pass-through line of its month, billable or not.
    let with_cost = rows(
        &db,
        "SELECT count(*) FROM fct_vendor_cost WHERE cost > 0 AND first_resolved_at IS NOT NULL AND NOT cancelled",
    );
    let passed = rows(&db, "SELECT sum(tickets) FROM kpi_billing_line WHERE charge_type = 'pass_through'");
    assert_eq!(passed, with_cost);
    assert!(with_cost.parse::<i64>().unwrap() > 0, "the demo passes vendor costs through");
}

#[test]
fn a_workbook_price_list_with_a_rate_per_kind_of_work() {
    let t = Tmp::new("billing-xlsx-prices");
    // The fixture's prices as a workbook, plus 800,00 an hour for incident work: teams
    // without a rate of their own (Infrastructure, Vendor ERP) now get it instead of '*'.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let sheet = [
        ["type", "name", "unit_price", "valid_from", "valid_to"],
        ["item", "Ny dator", "12500", "2025-01-01", "2026-10-15"],
        ["item", "Ny dator", "13200", "2026-10-15", ""],
        ["item", "Headset", "890.50", "2025-01-01", ""],
        ["hourly", "*", "950", "2025-01-01", ""],
        ["hourly", "Business Systems", "1100", "2025-01-01", ""],
        ["hourly", "kind:incident", "800", "2025-01-01", ""],
    ];
    for (r, row) in sheet.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    wb.save(t.path("prices.xlsx")).unwrap();
    let config =
        std::fs::read_to_string(fixture("billing-itsm.toml")).unwrap().replace("billing-prices.csv", "prices.xlsx");
    std::fs::write(t.path("itsm.toml"), config).unwrap();
    itsm_ok(&t.0, &["ingest", &fixture("billing-tickets.csv")]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-10-31 17:00"]);
    let work = rows(
        &t.db(),
        "SELECT price_key, unit_price, quantity, amount FROM kpi_billing_line \
         WHERE month = DATE '2026-10-01' AND charge_type = 'work' ORDER BY price_key",
    );
    // B5 Business Systems keeps its own 1 100; B4/B13 Infrastructure 1,5 h × 800 = 1 200;
    // B7 Vendor ERP 2 h × 800 = 1 600.
    assert_eq!(
        work,
        "Business Systems,1100.00,0.5000,550.00\nInfrastructure,800.00,1.5000,1200.00\nVendor ERP,800.00,2.0000,1600.00"
    );
}

#[test]
fn ticket_text_is_escaped_on_the_page_and_stays_text_in_the_workbook() {
    let t = Tmp::new("billing-hostile");
    std::fs::copy(fixture("billing-itsm.toml"), t.path("itsm.toml")).unwrap();
    std::fs::copy(fixture("billing-prices.csv"), t.path("billing-prices.csv")).unwrap();
    let hostile = "=1+2 <script>alert(1)</script> <b>x</b>";
    let tickets = std::fs::read_to_string(fixture("billing-tickets.csv")).unwrap().replace("Billing case B3", hostile);
    std::fs::write(t.path("tickets.csv"), tickets).unwrap();
    itsm_ok(&t.0, &["ingest", "tickets.csv"]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-10-31 17:00"]);
    itsm_ok(&t.0, &["report", "billing", "--month", "2026-10", "--lang", "en", "--out", "b"]);
    let html = std::fs::read_to_string(t.path("b/billing.html")).unwrap();
    assert!(html.contains("=1+2 &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt;"), "title escaped");
    assert!(!html.contains("<script") && !html.contains("<b>"), "nothing hostile unescaped");
    let mut wb = open_workbook_auto(t.path("b/billing.xlsx")).unwrap();
    let burlov = wb.worksheet_range("Burlöv").unwrap();
    assert!(burlov.used_cells().any(|(_, _, c)| *c == Data::String(hostile.into())), "the title is a text cell");
    let formulas = wb.worksheet_formula("Burlöv").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.starts_with("SUM(")), "no ticket text became a formula");
}
