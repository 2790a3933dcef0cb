//! Excel ingestion (issue 7): workbooks made by LibreOffice (tests/fixtures/excel-README.md
//! says how) through the same mapping, transaction and guarantees as CSV.

use crate::{fixture, itsm, itsm_ok, rows, Tmp};

#[test]
fn a_libreoffice_workbook_keeps_dates_and_swedish_characters() {
    let t = Tmp::new("excel-plain");
    let out = itsm_ok(&t.0, &["ingest", &fixture("excel-tickets.xlsx")]);
    assert!(out.contains("5 read = 5 loaded + 0 rejected"), "{out}");
    let got = rows(
        &t.db(),
        "SELECT ticket_id, title, customer, strftime(opened_at, '%Y-%m-%d %H:%M'), work_minutes FROM ticket \
         WHERE ticket_id IN ('INC2002', 'REQ2005') ORDER BY 1",
    );
    // The source's date cell 2026-10-06 09:15 is read in Europe/Stockholm (CEST): 07:15 UTC.
    let csv = std::fs::read_to_string(fixture("excel-tickets.csv")).unwrap();
    assert!(csv.contains("Ärendesystemet är långsamt för Ängelholmsgruppen"), "the source text");
    assert!(
        got.contains("INC2002,Ärendesystemet är långsamt för Ängelholmsgruppen,Burlöv,2026-10-06 07:15,45.25"),
        "{got}"
    );
    assert!(got.contains("REQ2005,Åtkomst till lönesystemet för Ödön Ärlig,Burlöv,"), "{got}");
    // The same workbook again changes nothing.
    let again = itsm_ok(&t.0, &["ingest", &fixture("excel-tickets.xlsx")]);
    assert!(again.contains("already ingested"), "{again}");
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ingest_batch"), "1");
}

#[test]
fn a_title_block_above_the_header_and_two_sheets_in_one_batch() {
    let t = Tmp::new("excel-sheets");
    itsm_ok(&t.0, &["ingest", &fixture("excel-title-block.xlsx")]);
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ticket"), "5");
    let out = itsm_ok(&t.0, &["ingest", &fixture("excel-two-sheets.xlsx"), "--source", "wb", "--profile", "generic"]);
    assert!(out.contains("(workbook): 13 read = 13 loaded + 0 rejected"), "{out}");
    assert_eq!(
        rows(&t.db(), "SELECT file_kind, rows_read FROM ingest_batch ORDER BY batch_id"),
        "tickets,5\nworkbook,13",
        "both sheets in one batch"
    );
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ticket WHERE source = 'wb'"), "5");
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ticket_event WHERE source = 'wb'"), "8");
    // One sheet only, by name.
    let t2 = Tmp::new("excel-one-sheet");
    itsm_ok(&t2.0, &["ingest", &fixture("excel-two-sheets.xlsx"), "--sheet", "Historik"]);
    assert_eq!(rows(&t2.db(), "SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM ticket_event)"), "0,8");
}

#[test]
fn an_empty_sheet_is_a_clear_error_and_changes_nothing() {
    let t = Tmp::new("excel-empty");
    let out = itsm(&t.0, &["ingest", &fixture("excel-empty-sheet.xlsx")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("excel-empty-sheet.xlsx' has no data (all sheets empty)"), "{stderr}");
    let out = itsm(&t.0, &["ingest", &fixture("excel-empty-sheet.xlsx"), "--sheet", "Sheet1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sheet 'Sheet1'") && stderr.contains("is empty"), "{stderr}");
    let out = itsm(&t.0, &["ingest", &fixture("excel-two-sheets.xlsx"), "--sheet", "Nope"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Nope") && stderr.contains("Ärenden") && stderr.contains("Historik"), "{stderr}");
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ingest_batch"), "0");
}

/// A workbook given as a FIFO (`itsm ingest <(curl …)` style) can be read once only: it is
/// read whole once and loads as the file does; without `--profile` it is refused at once
/// (finding the profile would read it), not waited on.
#[test]
fn a_workbook_through_a_fifo_loads_once_and_without_a_profile_is_refused() {
    let t = Tmp::new("excel-fifo");
    let fifo = t.path("tickets.xlsx");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(s) if s.success() => {}
        other => {
            assert!(std::env::var_os("CI").is_none(), "CI has mkfifo (coreutils), but it failed: {other:?}");
            eprintln!("skipped: mkfifo is not available here ({other:?})");
            return;
        }
    }
    // Without a profile: refused without opening the FIFO (nothing is written to it).
    let out = itsm(&t.0, &["ingest", "tickets.xlsx"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("'tickets.xlsx' is not a regular file") && stderr.contains("--profile"), "{stderr}");
    assert!(!t.db().exists(), "the refusal comes before the database is created");
    // With one: a writer feeds the FIFO once; the ingest must finish within a minute.
    let bytes = std::fs::read(fixture("excel-tickets.xlsx")).unwrap();
    let path = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(path, bytes));
    let mut child = crate::itsm_cmd()
        .current_dir(&t.0)
        .args(["ingest", "tickets.xlsx", "--profile", "generic"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the ingest of a workbook FIFO still runs after a minute: it waits on the FIFO again");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("(workbook): 5 read = 5 loaded + 0 rejected"), "{stdout}");
    // The same tickets as the file gives.
    let u = Tmp::new("excel-fifo-file");
    itsm_ok(&u.0, &["ingest", &fixture("excel-tickets.xlsx"), "--profile", "generic"]);
    let all = "SELECT ticket_id, title, customer, opened_at, work_minutes FROM ticket ORDER BY 1";
    assert_eq!(rows(&t.db(), all), rows(&u.db(), all));
}

/// Two ticket sheets in one workbook, each with a warned value on its row 2 and a rejected
/// row on its row 3: a row number names a row only with its sheet, so each note keeps the
/// sheet (schema 7) and the KPIs count per sheet (before, the two row 2s were one row warned).
#[test]
fn notes_of_a_workbook_name_their_sheet_and_count_per_sheet() {
    let t = Tmp::new("excel-notes-sheets");
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (sheet, prefix) in [("Ärenden", "A"), ("Fler ärenden", "B")] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap();
        let rows = [
            ["ticket_id", "kind", "status", "opened_at", "channel"],
            [&format!("{prefix}1"), "incident", "open", "2026-10-05 08:00", "Fax"],
            [&format!("{prefix}2"), "incident", "open", "not a date", "phone"],
            [&format!("{prefix}3"), "incident", "open", "2026-10-05 09:00", "phone"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    wb.save(t.path("two.xlsx")).unwrap();
    let out = itsm_ok(&t.0, &["ingest", "two.xlsx", "--profile", "generic"]);
    assert!(out.contains("6 read = 4 loaded + 2 rejected"), "{out}");
    assert!(
        out.contains("rejected sheet 'Fler ärenden' line 3, column 'opened_at'"),
        "the summary names the sheet: {out}"
    );
    let notes = "SELECT sheet, row_number, column_name FROM {} ORDER BY sheet";
    let rejected = rows(&t.db(), &notes.replace("{}", "rejected_row"));
    let warned = rows(&t.db(), &notes.replace("{}", "ingest_warning"));
    let (r, w) = (rejected.lines().collect::<Vec<_>>(), warned.lines().collect::<Vec<_>>());
    assert_eq!(r.len(), 2, "{rejected}");
    assert!(r[0].starts_with("Fler ärenden,") && r[1].starts_with("Ärenden,"), "{rejected}");
    assert_eq!(r[0].split(',').nth(1), r[1].split(',').nth(1), "the same row number: {rejected}");
    assert_eq!(w.len(), 2, "{warned}");
    assert!(w[0].starts_with("Fler ärenden,") && w[1].starts_with("Ärenden,"), "{warned}");
    itsm_ok(&t.0, &["build", "--as-of", "2026-11-02 12:00"]);
    assert_eq!(
        rows(&t.db(), "SELECT sheet, warnings, rows_warned FROM kpi_ingest_warning ORDER BY sheet"),
        "Fler ärenden,1,1\nÄrenden,1,1"
    );
    assert_eq!(
        rows(&t.db(), "SELECT sheet, rows_rejected FROM kpi_rejected_reason ORDER BY sheet"),
        "Fler ärenden,1\nÄrenden,1"
    );
    // A CSV file has no sheet.
    std::fs::write(
        t.path("one.csv"),
        "ticket_id,kind,status,opened_at,channel\nC1,incident,open,2026-10-05 08:00,Fax\n",
    )
    .unwrap();
    itsm_ok(&t.0, &["ingest", "one.csv", "--profile", "generic"]);
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ingest_warning WHERE sheet IS NULL"), "1");
}
