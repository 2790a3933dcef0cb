//! The 3rd line (issue 16): vendor contracts, holding in the vendor's own calendar, UC
//! outcomes, SLA breaches a vendor caused and third-party cost passed through to billing,
//! on a hand-computed fixture.
//!
//! Calendar: office hours Mon–Fri 08:00–17:00 Europe/Stockholm (CET, UTC+1 in March 2026;
//! 2 March 2026 is a Monday, so 6 March is a Friday). SLA targets: high 4 h, normal 8 h.
//! Vendors: "Nattjour AB" (teams `V1 3rd*`, 24x7, UC high 72 h, no markup) and
//! "Leverantör AB" (any other `*3rd*` team, office hours, UC high 6 h / normal 2 h,
//! response within 1 h, markup 15 %). Billing customers Kävlinge 3, Staffanstorp 2,
//! Burlöv 2; shared customer Gemensam.

use crate::{itsm_ok, rows, Tmp};

const CONFIG: &str = r#"
[[teams]]
name = "Service Desk"
line = 1

[[teams]]
name = "Infrastructure"
line = 2

[[team_rules]]
pattern = "*3rd*"
line = 3

[billing]
customers = { "Kävlinge" = 3, "Staffanstorp" = 2, "Burlöv" = 2 }
shared_customer = "Gemensam"

[[vendors]]
name = "Nattjour AB"
pattern = "V1 3rd*"
calendar = "24x7"
uc_targets = { high = 72, normal = 96 }

[[vendors]]
name = "Leverantör AB"
pattern = "*3rd*"
uc_targets = { high = 6, normal = 2 }
response_target = 1
markup = 0.15
"#;

const TICKETS: &str = "\
ticket_id,kind,title,customer,channel,priority,status,opened_at,resolved_at,first_team,resolved_by_team,assigned_team,reassignment_count,billable,updated_at,cost
T1,incident,Nattlarm,Kävlinge,phone,high,resolved,2026-03-06 16:00,2026-03-09 10:00,Service Desk,Infrastructure,Infrastructure,2,false,2026-03-09 10:00,500.00
T2,incident,Väntar på delar,Staffanstorp,phone,normal,resolved,2026-03-10 08:00,2026-03-10 15:00,Service Desk,V2 3rd Leverantör,V2 3rd Leverantör,1,false,2026-03-10 15:00,
T3,incident,Ekonomisystemet nere,Gemensam,phone,high,resolved,2026-03-11 08:00,2026-03-11 14:00,Service Desk,V2 3rd Leverantör,V2 3rd Leverantör,1,false,2026-03-11 14:00,\"1 234,57\"
";

const HISTORY: &str = "\
ticket_id,occurred_at,kind,value,agent,minutes
T1,2026-03-06 16:00,status,open,,
T1,2026-03-06 16:00,assignment,Service Desk,,
T1,2026-03-06 16:30,assignment,V1 3rd Nattjour,,
T1,2026-03-07 02:00,worklog,,Jour,60
T1,2026-03-09 09:00,assignment,Infrastructure,,
T1,2026-03-09 10:00,status,resolved,,
T2,2026-03-10 08:00,status,open,,
T2,2026-03-10 08:00,assignment,Service Desk,,
T2,2026-03-10 09:00,assignment,V2 3rd Leverantör,,
T2,2026-03-10 09:20,worklog,,Lev,10
T2,2026-03-10 10:00,status,pending,,
T2,2026-03-10 13:00,status,open,,
T2,2026-03-10 15:00,status,resolved,,
T3,2026-03-11 08:00,status,open,,
T3,2026-03-11 08:00,assignment,Service Desk,,
T3,2026-03-11 08:30,assignment,V2 3rd Leverantör,,
T3,2026-03-11 14:00,status,resolved,,
";

/// The fixture project, ingested and built as of the end of March.
pub fn project(name: &str) -> Tmp {
    let t = Tmp::new(&format!("vendors-{name}"));
    std::fs::write(t.path("itsm.toml"), CONFIG).unwrap();
    std::fs::write(t.path("tickets.csv"), TICKETS).unwrap();
    std::fs::write(t.path("history.csv"), HISTORY).unwrap();
    let (tickets, history) = (t.path("tickets.csv"), t.path("history.csv"));
    itsm_ok(&t.0, &["ingest", tickets.to_str().unwrap(), history.to_str().unwrap()]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-03-31 17:00"]);
    t
}

#[test]
fn vendor_holdings_are_measured_in_the_vendors_calendar_with_pauses_and_uc_outcomes() {
    let t = project("segments");
    let got = rows(
        &t.db(),
        "SELECT ticket_id, vendor, team, calendar, priority, held_minutes, paused_minutes, running_minutes, \
         sla_running_minutes, uc_target_minutes, uc_outcome, outcome_month, response_minutes, response_outcome, \
         caused_sla_breach, sla_breach_month FROM fct_vendor_segment ORDER BY ticket_id",
    );
    let want = [
        // T1: the 24x7 vendor held it Fri 16:30 → Mon 09:00: 7.5 h + 24 h + 24 h + 9 h = 64.5 h
        // = 3 870 min; its UC clock ran all weekend. The organisation's SLA clock over the same
        // holding: Fri 16:30–17:00 (30) + Mon 08:00–09:00 (60) = 90 min. UC high 72 h = 4 320
        // min ≥ 3 870: met. No response target for Nattjour.
        "T1,Nattjour AB,V1 3rd Nattjour,24x7,high,3870.0,0.0,3870.0,90.0,4320.0,met,2026-03-01,,,false,",
        // T2: held Tue 09:00 → 15:00 = 360 min, pending 10:00–13:00 = 180 min paused: UC clock
        // 180 min > UC normal 2 h = 120: breached. First worklog 09:20: response 20 ≤ 60 min.
        "T2,Leverantör AB,V2 3rd Leverantör,office,normal,360.0,180.0,180.0,180.0,120.0,breached,2026-03-01,20.0,met,false,",
        // T3: held Wed 08:30 → 14:00 = 330 min ≤ UC high 6 h = 360: met. Its first status change
        // after the assignment is the resolution at 14:00: response 330 > 60 min: breached. The
        // SLA (high, 4 h from 08:00) ran out at 12:00 while the vendor held it: the vendor was
        // the breach team, though within its own UC.
        "T3,Leverantör AB,V2 3rd Leverantör,office,high,330.0,0.0,330.0,330.0,360.0,met,2026-03-01,330.0,breached,true,2026-03-01",
    ];
    assert_eq!(got, want.join("\n"));

    // The organisation's SLA over the weekend ticket: Fri 16:00–17:00 (60) + Mon 08:00–10:00
    // (120) = 180 min of 240: met; the weekend did not count. T3: 360 min > 240, breached at
    // 12:00 local (11:00 UTC) by the vendor's team.
    let sla = rows(
        &t.db(),
        "SELECT ticket_id, elapsed_minutes, outcome, breach_at, breach_team FROM fct_ticket_sla ORDER BY ticket_id",
    );
    let want = ["T1,180.0,met,,", "T2,240.0,met,,", "T3,360.0,breached,2026-03-11 11:00:00,V2 3rd Leverantör"];
    assert_eq!(sla, want.join("\n"));
}

#[test]
fn vendor_month_kpis_count_received_holding_time_uc_breaches_caused_and_cost() {
    let t = project("kpi");
    let got = rows(
        &t.db(),
        "SELECT vendor, month, tickets_received, holdings_decided, uc_met, uc_breached, uc_compliance, \
         median_holding_minutes, p90_holding_minutes, response_met, response_breached, sla_breaches_caused, \
         tickets_with_cost, cost, billed_amount FROM kpi_vendor_by_month ORDER BY vendor",
    );
    let want = [
        // Leverantör AB: T2 (180 min, breached) and T3 (330 min, met): compliance 1/2; median of
        // 180 and 330 = 255; p90 = 180 + 0.9 × (330 − 180) = 315. Responses: T2 met, T3
        // breached. T3's SLA breach is the vendor's. Cost: T3 1 234,57, billed × 1,15 =
        // 1 419,7555 → 1 419,76.
        "Leverantör AB,2026-03-01,2,2,1,1,0.5,255.0,315.0,1,1,1,1,1234.57,1419.76",
        // Nattjour AB: T1 3 870 min, met; cost 500,00 at cost (no markup).
        "Nattjour AB,2026-03-01,1,1,1,0,1.0,3870.0,3870.0,0,0,0,1,500.00,500.00",
    ];
    assert_eq!(got, want.join("\n"));
}

#[test]
fn pass_through_cost_with_markup_is_billed_and_the_shared_customers_share_is_allocated_to_the_ore() {
    let t = project("billing");
    let lines = rows(
        &t.db(),
        "SELECT section, customer, charge_type, price_key, unit_price, tickets, quantity, amount FROM kpi_billing_line \
         WHERE month = DATE '2026-03-01' ORDER BY ALL",
    );
    let want = [
        // T1: Kävlinge's own ticket, Nattjour AB without markup: 500,00. No work or item
        // charges: no ticket is billable (pass-through does not need it).
        "customer,Kävlinge,pass_through,Nattjour AB,500.00,1,1.0000,500.00",
        // T3: the shared customer's, 1 234,57 × 1,15 = 1 419,7555 → 1 419,76.
        "shared,Gemensam,pass_through,Leverantör AB,1419.76,1,1.0000,1419.76",
    ];
    assert_eq!(lines, want.join("\n"));
    let tickets = rows(
        &t.db(),
        "SELECT ticket_id, charge_type, price_key, cost, markup, amount FROM kpi_billing_ticket ORDER BY ticket_id",
    );
    assert_eq!(
        tickets,
        "T1,pass_through,Nattjour AB,500.00,0.0000,500.00\nT3,pass_through,Leverantör AB,1234.57,0.1500,1419.76"
    );

    // 141 976 öre by 3 : 2 : 2 (total 7): Kävlinge 141 976 × 3 / 7 = 60 846 rest 6;
    // Staffanstorp and Burlöv 141 976 × 2 / 7 = 40 564 rest 4. 2 öre are left: to the
    // largest rests, Kävlinge (6) and then Burlöv (4, before Staffanstorp by name):
    // 608,47 + 405,65 + 405,64 = 1 419,76.
    let allocation = rows(&t.db(), "SELECT price_key, customer, amount FROM kpi_billing_allocation ORDER BY customer");
    let want = ["Leverantör AB,Burlöv,405.65", "Leverantör AB,Kävlinge,608.47", "Leverantör AB,Staffanstorp,405.64"];
    assert_eq!(allocation, want.join("\n"));
    let customers = rows(
        &t.db(),
        "SELECT customer, own_amount, allocated_amount, net_amount FROM kpi_billing_customer ORDER BY customer",
    );
    let want = ["Burlöv,0.00,405.65,405.65", "Kävlinge,500.00,608.47,1108.47", "Staffanstorp,0.00,405.64,405.64"];
    assert_eq!(customers, want.join("\n"));
    // Reconciled like every other line: 500,00 + 1 419,76 = 1 919,76 = the customers' nets.
    let total = rows(&t.db(), "SELECT lines_amount, customers_net_amount, difference_amount FROM kpi_billing_total");
    assert_eq!(total, "1919.76,1919.76,0.00");
    // Every data check passes (billing_reconciles among them), and every column check of
    // the vendor models.
    assert!(itsm_ok(&t.0, &["test"]).contains(" 0 failed"));
}

/// A flat export (no history) of the same contracts: a reassigned ticket has no assignment
/// segment, yet the team that resolved it is known to have held it last.
const FLAT: &str = "\
ticket_id,kind,title,customer,channel,priority,status,opened_at,resolved_at,first_team,resolved_by_team,assigned_team,reassignment_count,billable,updated_at,cost
F1,incident,Reassigned to the vendor,Kävlinge,phone,high,resolved,2026-03-11 08:00,2026-03-11 14:00,Service Desk,V2 3rd Leverantör,V2 3rd Leverantör,1,false,2026-03-11 14:00,\"1 234,57\"
F2,incident,Reassigned in house,Kävlinge,phone,normal,resolved,2026-03-12 08:00,2026-03-12 14:00,Service Desk,Infrastructure,Infrastructure,2,false,2026-03-12 14:00,100.00
F3,incident,Vendor from the start,Burlöv,phone,normal,resolved,2026-03-13 08:00,2026-03-13 14:00,V1 3rd Nattjour,V1 3rd Nattjour,V1 3rd Nattjour,0,false,2026-03-13 14:00,200.00
F4,incident,Still with the vendor,Burlöv,phone,normal,open,2026-03-16 08:00,,Service Desk,,V2 3rd Leverantör,1,false,2026-03-16 09:00,50.00
";

#[test]
fn a_reassigned_ticket_from_a_flat_export_is_billed_with_the_markup_of_the_vendor_that_resolved_it() {
    let t = Tmp::new("vendors-flat");
    std::fs::write(t.path("itsm.toml"), CONFIG).unwrap();
    std::fs::write(t.path("tickets.csv"), FLAT).unwrap();
    itsm_ok(&t.0, &["ingest", t.path("tickets.csv").to_str().unwrap()]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-03-31 17:00"]);
    let got = rows(
        &t.db(),
        "SELECT ticket_id, vendor, vendor_team, vendor_basis, markup, billed_amount, month \
         FROM fct_vendor_cost ORDER BY ticket_id",
    );
    let want = [
        // Reassigned once, resolved by the vendor's team: 1 234,57 × 1,15 = 1 419,7555 → 1 419,76
        // (was 1 234,57 at cost: no segment, so no vendor).
        "F1,Leverantör AB,V2 3rd Leverantör,last_team,0.1500,1419.76,2026-03-01",
        // Resolved in house: whoever held it in between, the cost goes at cost.
        "F2,,,,0.0000,100.00,2026-03-01",
        // Never reassigned: its one flat segment is the vendor's holding.
        "F3,Nattjour AB,V1 3rd Nattjour,holding,0.0000,200.00,2026-03-01",
        // Open, assigned to the vendor: its vendor is known, not yet billed (no month).
        "F4,Leverantör AB,V2 3rd Leverantör,last_team,0.1500,57.50,",
    ];
    assert_eq!(got, want.join("\n"));
    let lines = rows(&t.db(), "SELECT ticket_id, price_key, amount FROM kpi_billing_ticket ORDER BY ticket_id");
    assert_eq!(lines, "F1,Leverantör AB,1419.76\nF2,,100.00\nF3,Nattjour AB,200.00");
    assert!(itsm_ok(&t.0, &["test"]).contains(" 0 failed"), "billing still reconciles");
}

/// A workbook cell (Empty when absent).
fn xcell(range: &calamine::Range<calamine::Data>, row: usize, col: usize) -> calamine::Data {
    range.get_value((row as u32, col as u32)).cloned().unwrap_or(calamine::Data::Empty)
}

fn float(d: &calamine::Data) -> f64 {
    match d {
        calamine::Data::Float(f) => *f,
        calamine::Data::Int(i) => *i as f64,
        other => panic!("not a number cell: {other:?}"),
    }
}

#[test]
fn the_vendors_report_writes_csv_and_a_workbook_whose_sheets_add_up_to_the_csv() {
    use calamine::{open_workbook_auto, Data, Reader};
    let t = project("report");
    let out = itsm_ok(&t.0, &["report", "vendors", "--month", "2026-03", "--lang", "en", "--out", "out"]);
    assert!(out.contains("vendors.xlsx"), "{out}");
    let csv = std::fs::read_to_string(t.path("out/vendors.csv")).unwrap();
    let want =
        "vendor,month,tickets_received,holdings_decided,uc_met,uc_breached,uc_compliance,median_holding_minutes,\
p90_holding_minutes,response_met,response_breached,sla_breaches_caused,tickets_with_cost,cost,billed_amount,currency\n\
Leverantör AB,2026-03-01,2,2,1,1,0.5,255.0,315.0,1,1,1,1,1234.57,1419.76,SEK\n\
Nattjour AB,2026-03-01,1,1,1,0,1.0,3870.0,3870.0,0,0,0,1,500.00,500.00,SEK\n";
    assert_eq!(csv, want);
    let csv_rows: Vec<Vec<String>> = csv.lines().skip(1).map(|l| l.split(',').map(String::from).collect()).collect();

    let mut wb = open_workbook_auto(t.path("out/vendors.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Summary", "Leverantör AB", "Nattjour AB"], "one sheet per vendor");
    let summary = wb.worksheet_range("Summary").unwrap();
    assert_eq!(xcell(&summary, 1, 0), Data::String("Leverantör AB".into()));
    assert!(matches!(xcell(&summary, 1, 1), Data::DateTime(_)), "the month is a date cell");
    assert_eq!(xcell(&summary, 1, 6), Data::Float(0.5), "compliance is a number cell");
    assert_eq!(xcell(&summary, 2, 13), Data::Float(500.0));

    for row in &csv_rows {
        let (vendor, decided, met, breached, cost, billed) = (&row[0], &row[3], &row[4], &row[5], &row[13], &row[14]);
        let sheet = wb.worksheet_range(vendor).unwrap();
        // Holdings: rows 1.. until the total row; dates are date cells.
        let mut r = 1;
        let (mut n, mut sum_met, mut sum_breached) = (0.0, 0.0, 0.0);
        while xcell(&sheet, r, 0) != Data::String("Total".into()) {
            assert!(matches!(xcell(&sheet, r, 4), Data::DateTime(_)), "{vendor}: received is a date cell");
            assert!(matches!(xcell(&sheet, r, 5), Data::DateTime(_)), "{vendor}: handed back is a date cell");
            n += 1.0;
            sum_met += float(&xcell(&sheet, r, 10));
            sum_breached += float(&xcell(&sheet, r, 11));
            r += 1;
        }
        // The rows add up to the CSV, and so do the totals' cached results.
        assert_eq!(
            (n, sum_met, sum_breached),
            (decided.parse().unwrap(), met.parse().unwrap(), breached.parse().unwrap()),
            "{vendor}"
        );
        assert_eq!(float(&xcell(&sheet, r, 1)), n, "{vendor}: holdings total");
        assert_eq!((float(&xcell(&sheet, r, 10)), float(&xcell(&sheet, r, 11))), (sum_met, sum_breached), "{vendor}");
        // Costs: header two rows below the total, then the tickets, then their total.
        let mut r = r + 3;
        let (mut sum_cost, mut sum_billed) = (0.0, 0.0);
        while xcell(&sheet, r, 0) != Data::String("Total".into()) {
            sum_cost += float(&xcell(&sheet, r, 3));
            sum_billed += float(&xcell(&sheet, r, 5));
            r += 1;
        }
        let cents = |v: f64| (v * 100.0).round() as i64;
        let csv_cents = |s: &str| cents(s.parse::<f64>().unwrap());
        assert_eq!((cents(sum_cost), cents(sum_billed)), (csv_cents(cost), csv_cents(billed)), "{vendor}");
        assert_eq!(
            (cents(float(&xcell(&sheet, r, 3))), cents(float(&xcell(&sheet, r, 5)))),
            (csv_cents(cost), csv_cents(billed)),
            "{vendor}: cost totals"
        );
    }
    // The T2 holding on Leverantör AB's sheet: received 09:00 local, UC clock 180 of 120.
    let lev = wb.worksheet_range("Leverantör AB").unwrap();
    assert_eq!(xcell(&lev, 1, 0), Data::String("T2".into()));
    assert_eq!((xcell(&lev, 1, 8), xcell(&lev, 1, 9)), (Data::Float(180.0), Data::Float(120.0)));
    match xcell(&lev, 1, 4) {
        // Excel serial of 2026-03-10 (46 091 days after 1899-12-30) plus 9/24 of a day: 09:00
        // local, not 08:00 UTC.
        Data::DateTime(d) => assert!((d.as_f64() - (46_091.0 + 9.0 / 24.0)).abs() < 1e-6, "local time: {}", d.as_f64()),
        other => panic!("{other:?}"),
    }

    let html = std::fs::read_to_string(t.path("out/vendors.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("UC compliance per vendor, 12 months"), "charts are inline");
    // Self-contained: no script, nothing fetched (the only URL is the SVG namespace).
    let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!html.contains("<script") && !without_ns.contains("http") && !html.contains("src="), "self-contained");
    assert!(html.contains("<td>Leverantör AB</td>"), "the vendor's row");
    assert!(html.contains("1,419.76 SEK") || html.contains("1 419.76 SEK"), "the cost passed through");
}

/// The sample organisation's project (sample-data/: its itsm.toml with two vendors, one
/// 24x7), ingested and built.
fn sample_project(name: &str) -> Tmp {
    let t = Tmp::new(&format!("vendors-{name}"));
    let root = env!("CARGO_MANIFEST_DIR");
    for f in ["itsm.toml", "price-list.csv", "portfolio.csv"] {
        std::fs::copy(format!("{root}/sample-data/{f}"), t.path(f)).unwrap();
    }
    let (tickets, history) = (format!("{root}/sample-data/tickets.csv"), format!("{root}/sample-data/history.csv"));
    itsm_ok(&t.0, &["ingest", &tickets, &history, "--source", "sample", "--profile", "generic"]);
    itsm_ok(&t.0, &["build", "--as-of", "2026-10-31 23:00"]);
    t
}

#[test]
fn the_sample_has_two_vendors_one_24x7_with_holdings_and_costs_that_billing_passes_through() {
    let t = sample_project("sample");
    let vendors = rows(
        &t.db(),
        "SELECT vendor, calendar, count(*) > 10, bool_and(held_minutes >= sla_running_minutes - 1e-9), \
         count(*) FILTER (WHERE held_minutes > paused_minutes + reopened_minutes + sla_running_minutes + 1e-9) > 0 \
         FROM fct_vendor_segment GROUP BY vendor, calendar ORDER BY vendor",
    );
    // Both vendors hold tickets; the 24x7 vendor's UC clock counts time the office SLA
    // clock does not (nights, weekends) on some holdings; the office vendor's never does.
    assert_eq!(vendors, "ERP-leverantören,office,true,true,false\nNätleverantören (24x7),24x7,true,true,true");
    // Costs on some vendor tickets (33 in the sample file), passed through to billing with
    // the ERP vendor's 10 % markup, every one of them once.
    let costs = rows(&t.db(), "SELECT count(*) > 15, count(*) FILTER (WHERE markup = 0.1) > 0 FROM fct_vendor_cost");
    assert_eq!(costs, "true,true");
    let billed = rows(
        &t.db(),
        "SELECT (SELECT sum(amount) FROM fct_billing_charge WHERE charge_type = 'pass_through') \
         = (SELECT sum(billed_amount) FROM fct_vendor_cost WHERE month IS NOT NULL AND NOT cancelled)",
    );
    assert_eq!(billed, "true");
    assert!(itsm_ok(&t.0, &["test"]).contains(" 0 failed"), "billing still reconciles");
}

#[test]
fn the_vendors_page_loads_in_chromium_without_console_errors_or_network_requests() {
    if !crate::report::chromium_available() {
        return;
    }
    let t = sample_project("chromium");
    let shots: std::path::PathBuf =
        std::env::var_os("ITSM_SCREENSHOT_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| t.path("shots"));
    std::fs::create_dir_all(&shots).unwrap();
    for lang in ["sv", "en"] {
        itsm_ok(&t.0, &["report", "vendors", "--month", "2026-10", "--lang", lang, "--out", lang]);
        let shot = shots.join(format!("vendors-{lang}.png"));
        let (requests, console) = crate::report::load_in_chromium(&t.path(&format!("{lang}/vendors.html")), &shot);
        assert_eq!(requests, Vec::<String>::new(), "the {lang} page made network requests");
        assert_eq!(console, Vec::<String>::new(), "the {lang} page logged to the console");
        assert!(std::fs::metadata(&shot).unwrap().len() > 50_000, "a screenshot of the {lang} page");
    }
}

#[test]
fn the_monthly_report_has_a_third_line_section_with_uc_compliance_per_vendor() {
    let t = project("monthly");
    itsm_ok(&t.0, &["report", "monthly", "--month", "2026-03", "--lang", "en", "--out", "out"]);
    let html = std::fs::read_to_string(t.path("out/monthly.html")).unwrap();
    let section = html.split("3rd line: vendors").nth(1).expect("the 3rd-line section");
    let section = section.split("<h2").next().unwrap();
    // Leverantör AB: 1 met of 2 decided = 50 %; Nattjour AB: 1 of 1 = 100 %.
    assert!(section.contains("<td>Leverantör AB</td>") && section.contains("<td>Nattjour AB</td>"), "{section}");
    assert!(section.contains("50.0") && section.contains("100.0"), "{section}");
}
