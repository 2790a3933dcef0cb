//! CSV ingest: encodings, rejected rows, missing columns, idempotence and upserts.

use crate::{fixture, itsm, itsm_ok, rows, scalar, Tmp};

#[test]
fn windows_1252_semicolons_and_decimal_commas_keep_swedish_characters() {
    let t = Tmp::new("cp1252");
    let out = itsm_ok(&t.0, &["ingest", &fixture("sv-export-cp1252.csv"), "--profile", &fixture("sv-export.toml")]);
    assert!(out.contains("windows-1252"), "{out}");
    assert!(out.contains("4 read = 4 loaded + 0 rejected"), "{out}");
    let db = t.db();
    assert_eq!(
        rows(&db, "SELECT ticket_id, kind, customer, requester, status, work_minutes FROM ticket ORDER BY ticket_id"),
        "SD-1001,incident,Kävlinge,Åsa Öberg,closed,90.0\n\
         SD-1002,request,Staffanstorp,Björn Ängström,resolved,135.0\n\
         SD-1003,incident,Burlöv,Örjan Ålund,open,45.0\n\
         SD-1004,incident,Gemensam,,pending,750.0"
    );
    assert_eq!(rows(&db, "SELECT title FROM ticket WHERE ticket_id = 'SD-1004'"), "Nätverket segt; hela kommunhuset");
    assert_eq!(
        rows(&db, "SELECT title FROM ticket WHERE ticket_id = 'SD-1001'"),
        "Skrivaren på plan två skriver ut ränder"
    );
    // 08:12 local in October (CEST, UTC+2) is 06:12 UTC.
    assert_eq!(rows(&db, "SELECT opened_at FROM ticket WHERE ticket_id = 'SD-1001'"), "2026-10-05 06:12:00");
    assert_eq!(
        rows(&db, "SELECT channel, impact, urgency, priority, billable FROM ticket WHERE ticket_id = 'SD-1004'"),
        "monitoring,high,urgent,high,false"
    );
    assert_eq!(rows(&db, "SELECT encoding, delimiter FROM ingest_batch"), "windows-1252,;");
}

#[test]
fn bad_rows_are_kept_with_reasons_and_the_rest_loads() {
    let t = Tmp::new("badrows");
    let out = itsm_ok(&t.0, &["ingest", &fixture("bad-rows.csv")]);
    // Only a row without a usable key, opening time, kind or status is rejected; a bad
    // optional value is set empty with a warning and its row loads (issue 12).
    assert!(out.contains("7 read = 6 loaded + 1 rejected; 2 warnings"), "{out}");
    let db = t.db();
    assert_eq!(rows(&db, "SELECT ticket_id FROM ticket ORDER BY ticket_id"), "INC1\nINC3\nINC4\nINC5\nINC7\nREQ6");
    assert_eq!(
        rows(&db, "SELECT row_number, column_name, value, reason FROM rejected_row ORDER BY row_number"),
        "3,opened_at,2026-02-30 10:00,opened_at: unparseable date '2026-02-30 10:00'"
    );
    assert!(rows(&db, "SELECT raw FROM rejected_row WHERE row_number = 3").starts_with("INC2,incident,Bad date"));
    assert_eq!(
        rows(&db, "SELECT row_number, column_name, value, reason FROM ingest_warning ORDER BY row_number"),
        "4,priority,P9,unknown priority value 'P9' (accepted: low, medium, normal, high or a label in the profile's [values.priority]); set empty\n\
         6,resolved_at,,resolved before opened; set empty"
    );
    assert_eq!(rows(&db, "SELECT priority IS NULL, status FROM ticket WHERE ticket_id = 'INC3'"), "true,open");
    assert_eq!(rows(&db, "SELECT resolved_at IS NULL FROM ticket WHERE ticket_id = 'INC5'"), "true");
    assert_eq!(
        rows(&db, "SELECT rows_read, rows_loaded, rows_rejected, warnings FROM ingest_batch"),
        "7,6,1,2",
        "read = loaded + rejected; warnings counted"
    );
    assert_eq!(rows(&db, "SELECT title FROM ticket WHERE ticket_id = 'INC7'"), "Outlook crash, again");
}

#[test]
fn missing_column_is_exit_2_naming_the_column() {
    let t = Tmp::new("missingcol");
    let out = itsm(&t.0, &["ingest", &fixture("missing-column.csv"), "--profile", "generic"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap().replace(&fixture(""), "[FIXTURES]/");
    insta::assert_snapshot!(stderr);
    assert!(!t.db().exists() || scalar(&t.db(), "SELECT count(*) FROM ingest_batch") == 0);
}

#[test]
fn the_same_file_twice_changes_nothing() {
    let t = Tmp::new("twice");
    let file = fixture("bad-rows.csv");
    itsm_ok(&t.0, &["ingest", &file]);
    let db = t.db();
    let snapshot = |db| rows(db, "SELECT * FROM ticket ORDER BY ticket_id");
    let before = snapshot(&db);
    let counts = |db| rows(db, "SELECT (SELECT count(*) FROM ingest_batch), (SELECT count(*) FROM rejected_row)");
    let counts_before = counts(&db);
    let out = itsm_ok(&t.0, &["ingest", &file]);
    assert!(out.contains("already ingested as batch 1") && out.contains("0 new rows"), "{out}");
    assert_eq!(snapshot(&db), before);
    assert_eq!(counts(&db), counts_before);
    // A copy under another name is not the same file, but its rows are: nothing new either.
    let copy = t.path("copy.csv");
    std::fs::copy(&file, &copy).unwrap();
    let out = itsm_ok(&t.0, &["ingest", copy.to_str().unwrap()]);
    assert!(out.contains("already ingested as batch 1"), "{out}");
    assert_eq!(snapshot(&db), before);
}

#[test]
fn a_later_export_upserts_by_newest_updated_at_and_history_is_deduplicated() {
    let t = Tmp::new("upsert");
    itsm_ok(&t.0, &["ingest", &fixture("tickets-v1.csv")]);
    let out = itsm_ok(&t.0, &["ingest", &fixture("tickets-v2.csv")]);
    // INC10 is newer in v2, INC11 older in v2 (kept from v1), INC12 new.
    assert!(out.contains("3 read = 3 loaded + 0 rejected; 0 warnings"), "{out}");
    assert!(out.contains("tickets: 3 in the file, 3 stored: 1 new, 1 updated, 1 unchanged"), "{out}");
    let db = t.db();
    assert_eq!(
        rows(&db, "SELECT ticket_id, status, title, batch_id FROM ticket ORDER BY ticket_id"),
        "INC10,resolved,Mail slow,2\nINC11,open,Screen flicker,1\nINC12,new,Keyboard,2"
    );
    let out = itsm_ok(&t.0, &["ingest", &fixture("history-dup.csv")]);
    assert!(out.contains("(history,") && out.contains("6 read = 6 loaded + 0 rejected"), "{out}");
    assert!(out.contains("events: 6 read: 5 new, 1 already known"), "{out}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM ticket_event"), 5);
    assert_eq!(rows(&db, "SELECT minutes FROM ticket_event WHERE kind = 'worklog'"), "12.5");
    assert_eq!(rows(&db, "SELECT value FROM ticket_event WHERE kind = 'status' ORDER BY occurred_at"), "new\nopen");
    // The same events in a different file: all already known.
    let copy = t.path("history-again.csv");
    let text = std::fs::read_to_string(fixture("history-dup.csv")).unwrap();
    std::fs::write(&copy, text.replace("\n", "\r\n")).unwrap();
    let out = itsm_ok(&t.0, &["ingest", copy.to_str().unwrap()]);
    assert!(out.contains("events: 6 read: 0 new, 6 already known"), "{out}");
    assert_eq!(scalar(&db, "SELECT count(*) FROM ticket_event"), 5);
    assert_eq!(rows(&db, "SELECT name, line FROM team WHERE name = 'Client Desktop'"), "Client Desktop,2");
}

/// Two exports taken in the same minute give two versions the same updated_at: the one
/// ingested later wins when it differs, and a row identical to the stored one changes
/// nothing (not even its batch).
#[test]
fn of_two_versions_stamped_with_the_same_instant_the_later_export_wins() {
    let t = Tmp::new("upsert-tie");
    let header = tickets_v1_header();
    let at = "2026-10-05T09:00:00+02:00";
    let write = |name: &str, rows: &[String]| {
        let path = t.path(name);
        std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        path.to_str().unwrap().to_string()
    };
    let opened = "2026-10-05T08:00:00+02:00";
    let first = write("first.csv", &[printer_row("T1", "Low", "Open", opened, "", at)]);
    let second = write("second.csv", &[printer_row("T1", "Low", "Resolved", opened, at, at)]);
    itsm_ok(&t.0, &["ingest", &first]);
    let out = itsm_ok(&t.0, &["ingest", &second]);
    assert!(out.contains("tickets: 1 in the file, 1 stored: 0 new, 1 updated, 0 unchanged"), "{out}");
    let db = t.db();
    assert_eq!(rows(&db, "SELECT status, resolved_at IS NOT NULL, batch_id FROM ticket"), "resolved,true,2");
    // The same version again in another file (another row beside it): T1 is unchanged.
    let again = write(
        "again.csv",
        &[printer_row("T1", "Low", "Resolved", opened, at, at), printer_row("T2", "Low", "Open", opened, "", at)],
    );
    let out = itsm_ok(&t.0, &["ingest", &again]);
    assert!(out.contains("tickets: 2 in the file, 2 stored: 1 new, 0 updated, 1 unchanged"), "{out}");
    assert_eq!(rows(&db, "SELECT ticket_id, status, batch_id FROM ticket ORDER BY 1"), "T1,resolved,2\nT2,open,3");
}

/// A tickets file with only the required columns and a title holds a smaller share of the
/// tickets mapping (5 of 30) than of the history one (2 of 6), yet only the tickets mapping
/// reads it: it loads as tickets, as profile detection announced, without `--kind`.
#[test]
fn a_narrow_tickets_file_loads_as_tickets_without_kind() {
    let t = Tmp::new("narrow-tickets");
    let path = t.path("narrow.csv");
    std::fs::write(
        &path,
        "ticket_id,kind,status,opened_at,title\nN1,incident,open,2026-10-05 08:00,Printer\n\
         N2,request,resolved,2026-10-05 09:00,Access\n",
    )
    .unwrap();
    let out = itsm_ok(&t.0, &["ingest", path.to_str().unwrap()]);
    assert!(out.contains("2 read = 2 loaded + 0 rejected"), "{out}");
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, kind, status FROM ticket ORDER BY 1"),
        "N1,incident,open\nN2,request,resolved"
    );
}

/// The header of the `tickets-v1.csv` fixture.
fn tickets_v1_header() -> String {
    std::fs::read_to_string(fixture("tickets-v1.csv")).unwrap().lines().next().unwrap().to_string()
}

/// A row under [`tickets_v1_header`]: a printer incident with this id, priority, status,
/// opening, resolution (empty: none) and update time.
fn printer_row(id: &str, priority: &str, status: &str, opened: &str, resolved: &str, updated: &str) -> String {
    format!(
        "{id},incident,Printer,Kävlinge,Print,Hårdvara,PR-1,phone,Low,Low,{priority},{status},{opened},,\
         {resolved},,Service Desk,,Service Desk,0,0,,,0,false,,Bo Ek,{updated}"
    )
}

/// The first load of a source appends rows straight to the canonical tables and merges only
/// the keys the file names twice (issue 14); a later load of the same source merges
/// everything. Both must store the same rows and count the same.
#[test]
fn a_ticket_named_three_times_in_a_first_load_keeps_the_same_winner_as_the_merge() {
    let t = Tmp::new("direct");
    let header = tickets_v1_header();
    let row = |id: &str, status: &str, resolved: &str, updated: &str| {
        printer_row(id, "Low", status, "2026-10-05T08:00:00+02:00", resolved, updated)
    };
    let file = t.path("dups.csv");
    std::fs::write(
        &file,
        [
            header,
            row("INC20", "Open", "", "2026-10-05T09:00:00+02:00"),
            row("INC21", "Open", "", "2026-10-05T09:00:00+02:00"),
            row("INC22", "Open", "", "2026-10-05T10:00:00+02:00"),
            row("INC20", "Resolved", "2026-10-05T11:00:00+02:00", "2026-10-05T11:00:00+02:00"),
            row("INC20", "Pending", "", "2026-10-05T10:00:00+02:00"),
            // Same updated_at as its first row: the later row of the file wins.
            row("INC22", "Pending", "", "2026-10-05T10:00:00+02:00"),
        ]
        .join("\n"),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let tickets = "SELECT ticket_id, status, resolved_at FROM ticket WHERE ticket_id >= 'INC20' ORDER BY ticket_id";
    let expected = "INC20,resolved,2026-10-05 09:00:00\nINC21,open,\nINC22,pending,";
    let counts = "SELECT tickets_in_file, tickets_stored, snapshots_superseded, rows_new, rows_updated \
                  FROM ingest_batch ORDER BY batch_id DESC LIMIT 1";
    // First load of the source: straight to `ticket`, INC20 and INC22 merged.
    let out = itsm_ok(&t.0, &["ingest", file]);
    assert!(out.contains("tickets: 3 in the file, 3 stored: 3 new, 0 updated, 0 unchanged"), "{out}");
    let db = t.db();
    assert_eq!(rows(&db, tickets), expected);
    assert_eq!(rows(&db, counts), "3,3,3,3,0");
    assert_eq!(scalar(&db, "SELECT count(*) FROM ticket"), 3);
    // The same file into a database that holds the source already: all through the merge.
    let merged = Tmp::new("direct-merged");
    itsm_ok(&merged.0, &["ingest", &fixture("tickets-v1.csv")]);
    let out = itsm_ok(&merged.0, &["ingest", file]);
    assert!(out.contains("tickets: 3 in the file, 3 stored: 3 new, 0 updated, 0 unchanged"), "{out}");
    assert_eq!(rows(&merged.db(), tickets), expected);
    assert_eq!(rows(&merged.db(), counts), "3,3,3,3,0");
}

/// A file of several chunks (mapped a chunk ahead of the store, issue 14) keeps the file's
/// order: rejections and warnings keep their lines, a ticket named again in a later chunk or
/// twice in one chunk keeps the newest row, and the counts add up — the same as the merge
/// path gives for the same file.
#[test]
fn a_file_of_several_chunks_keeps_the_file_s_order_through_the_direct_path_and_the_merge() {
    let t = Tmp::new("chunks");
    let header = tickets_v1_header();
    let row = |id: &str, priority: &str, status: &str, opened: &str, updated: &str| {
        printer_row(id, priority, status, opened, "", updated)
    };
    let (opened, updated) = ("2026-10-05T08:00:00+02:00", "2026-10-05T09:00:00+02:00");
    // 150,000 rows: three chunks of 64K rows.
    let mut lines = vec![header];
    for i in 0..150_000 {
        lines.push(match i {
            10 | 70_000 | 140_000 => row(&format!("T{i}"), "Low", "Open", "2026-02-30 10:00", updated),
            20 | 80_000 | 149_000 => row(&format!("T{i}"), "P9", "Open", opened, updated),
            // T5 again, two chunks later and newer: it wins.
            100_000 => row("T5", "Low", "Pending", opened, "2026-10-05T12:00:00+02:00"),
            // T140002 twice in one chunk, the first older: the second wins.
            140_001 => row("T140002", "Low", "Pending", opened, "2026-10-05T08:30:00+02:00"),
            _ => row(&format!("T{i}"), "Low", "Open", opened, updated),
        });
    }
    let file = t.path("chunks.csv");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let file = file.to_str().unwrap();
    let check = |db: &std::path::Path| {
        assert_eq!(
            rows(db, "SELECT row_number, column_name FROM rejected_row ORDER BY row_number"),
            "12,opened_at\n70002,opened_at\n140002,opened_at"
        );
        assert!(rows(db, "SELECT raw FROM rejected_row WHERE row_number = 70002").starts_with("T70000,incident"));
        assert_eq!(
            rows(db, "SELECT row_number, column_name, value FROM ingest_warning ORDER BY row_number"),
            "22,priority,P9\n80002,priority,P9\n149002,priority,P9"
        );
        assert_eq!(scalar(db, "SELECT count(*) FROM ticket WHERE ticket_id LIKE 'T%'"), 149_995);
        assert_eq!(
            rows(db, "SELECT ticket_id, status FROM ticket WHERE ticket_id IN ('T5', 'T140002') ORDER BY 1"),
            "T140002,open\nT5,pending"
        );
        assert_eq!(
            rows(db, "SELECT rows_read, rows_loaded, rows_rejected, warnings FROM ingest_batch ORDER BY batch_id DESC LIMIT 1"),
            "150000,149997,3,3"
        );
    };
    // The first load of the source: rows go straight to `ticket`, the repeated keys merge.
    let out = itsm_ok(&t.0, &["ingest", file]);
    assert!(out.contains("150000 read = 149997 loaded + 3 rejected; 3 warnings"), "{out}");
    check(&t.db());
    // The same file into a database that holds the source already: everything merges.
    let merged = Tmp::new("chunks-merged");
    itsm_ok(&merged.0, &["ingest", &fixture("tickets-v1.csv")]);
    itsm_ok(&merged.0, &["ingest", file]);
    check(&merged.db());
}

#[test]
fn an_excel_sep_hint_line_is_skipped_and_its_delimiter_used_streamed_or_read_whole() {
    // QA t10: Excel writes `sep=;` above the header; it was taken for the header.
    let text = "sep=;\r\n\
                Anmälningsnummer;Kort beskrivning;Status;Anmäld datum;Operatörsgrupp\r\n\
                I 2610 001;Skrivare;Klar;05-10-2026 08:00;Service Desk\r\n\
                I 2610 002;Skärm;Klar;igår;Service Desk\r\n";
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    // UTF-8 streams; UTF-16 goes through the whole-file path. Both detect the profile.
    for (name, bytes) in [("sep.csv", text.as_bytes().to_vec()), ("sep16.csv", utf16)] {
        let t = Tmp::new(&format!("sephint-{name}"));
        std::fs::write(t.path(name), bytes).unwrap();
        let out = itsm_ok(&t.0, &["ingest", name]);
        assert!(out.contains("2 read = 1 loaded + 1 rejected"), "{name}: {out}");
        let db = t.db();
        assert_eq!(rows(&db, "SELECT source, delimiter FROM ingest_batch"), "topdesk,;", "{name}");
        assert_eq!(
            rows(&db, "SELECT ticket_id, title, opened_at FROM ticket"),
            "I 2610 001,Skrivare,2026-10-05 06:00:00"
        );
        // The rejected row is named by the file's own line: the hint is line 1.
        assert_eq!(
            rows(&db, "SELECT row_number, column_name, value FROM rejected_row"),
            "4,Anmäld datum,igår",
            "{name}"
        );
    }
}

#[test]
fn a_report_s_title_lines_above_the_header_are_passed_over_and_short_years_and_dashes_read() {
    // A TOPdesk overview saved by a Swedish Excel "with title": the report's name and when it
    // was printed stand above the header (no delimiter on the first line), two-digit years,
    // `-` in empty cells. The title was taken for the header (no profile matched it).
    let text = "Anmälningar – översikt\r\n\
                Utskriven 31-10-26 16:00;;;;;\r\n\
                \r\n\
                Anmälningsnummer;Kort beskrivning;Status;Anmäld datum;Klar datum;Operatörsgrupp\r\n\
                I 2610 001;Skrivare;Klar;05-10-26 08:00;05-10-26 09:30;Service Desk\r\n\
                I 2610 002;Skärm;Pågående;06-10-26 10:00;-;-\r\n\
                I 2610 003;Mus;Klar;igår;-;Service Desk\r\n";
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    for (name, bytes) in [("title.csv", text.as_bytes().to_vec()), ("title1252.csv", cp1252.into_owned())] {
        let t = Tmp::new(&format!("titlelines-{name}"));
        std::fs::write(t.path(name), bytes).unwrap();
        let out = itsm_ok(&t.0, &["ingest", name]);
        assert!(out.contains("3 read = 2 loaded + 1 rejected"), "{name}: {out}");
        let db = t.db();
        assert_eq!(rows(&db, "SELECT source, delimiter FROM ingest_batch"), "topdesk,;", "{name}");
        // 05-10-26 08:00 CEST = 06:00 UTC; `-` is an empty cell, not a team called "-".
        assert_eq!(
            rows(&db, "SELECT ticket_id, opened_at, resolved_at, assigned_team FROM ticket ORDER BY ticket_id"),
            "I 2610 001,2026-10-05 06:00:00,2026-10-05 07:30:00,Service Desk\n\
             I 2610 002,2026-10-06 08:00:00,,",
            "{name}"
        );
        // Lines keep the file's numbers: the header is line 4, the bad row line 7.
        assert_eq!(
            rows(&db, "SELECT row_number, column_name, value FROM rejected_row"),
            "7,Anmäld datum,igår",
            "{name}"
        );
    }
}

#[test]
fn a_profile_s_two_digit_year_formats_read_dates_the_built_in_forms_take_for_the_year_26() {
    // QA t3: Excel's default short dates; the built-in dotted and slashed forms read
    // `05.10.26` and `10/5/26` as the year 26 and refused them before the profile's formats ran.
    let t = Tmp::new("twodigit");
    std::fs::write(
        t.path("short.toml"),
        "name = \"shortyear\"\nbase = \"generic\"\ndate_formats = [\"%d.%m.%y %H:%M\", \"%m/%d/%y %H:%M\", \"%y-%m-%d %H:%M\"]\n",
    )
    .unwrap();
    std::fs::write(
        t.path("short.csv"),
        "ticket_id,kind,status,opened_at,resolved_at\n\
         Y1,incident,resolved,05.10.26 08:12,05.10.26 09:12\n\
         Y2,incident,resolved,10/5/26 08:12,10/5/26 09:12\n\
         Y3,incident,resolved,26-10-05 08:12,26-10-05 09:12\n\
         Y4,incident,resolved,05.10.0026 08:12,\n",
    )
    .unwrap();
    let out = itsm_ok(&t.0, &["ingest", "short.csv", "--profile", "short.toml", "--kind", "tickets"]);
    assert!(out.contains("4 read = 3 loaded + 1 rejected"), "{out}");
    assert_eq!(
        rows(&t.db(), "SELECT ticket_id, opened_at, resolved_at FROM ticket ORDER BY ticket_id"),
        "Y1,2026-10-05 06:12:00,2026-10-05 07:12:00\n\
         Y2,2026-10-05 06:12:00,2026-10-05 07:12:00\n\
         Y3,2026-10-05 06:12:00,2026-10-05 07:12:00"
    );
    // Nothing reads the year 0026 within 1900–2199: the range error stays the reason.
    assert_eq!(
        rows(&t.db(), "SELECT row_number, reason FROM rejected_row"),
        "5,opened_at: date '05.10.0026 08:12' is outside the years 1900–2199"
    );
}

#[test]
fn a_small_number_in_a_date_column_is_refused_not_read_as_a_day_of_1900() {
    // QA t11: `3` was loaded as 1900-01-02 and `1` set empty only because 1899 is out of range.
    let t = Tmp::new("smallserial");
    std::fs::write(
        t.path("small.csv"),
        "ticket_id,kind,status,opened_at,resolved_at,updated_at,title\n\
         S1,incident,open,3,,2026-10-05 08:00,x\n\
         S2,incident,resolved,2026-10-05 08:00,2026-10-05 09:00,2026,y\n\
         S3,incident,open,46091.375,,,z\n",
    )
    .unwrap();
    let out = itsm_ok(&t.0, &["ingest", "small.csv", "--profile", "generic", "--kind", "tickets"]);
    assert!(out.contains("3 read = 2 loaded + 1 rejected; 1 warnings"), "{out}");
    let db = t.db();
    assert_eq!(
        rows(&db, "SELECT row_number, column_name, value, reason FROM rejected_row"),
        "2,opened_at,3,opened_at: date '3' is a number, which as an Excel serial day is 1900-01-02; serial days are \
         read only from 25569 (1970-01-01) to 109574 (2199-12-31)"
    );
    assert_eq!(
        rows(&db, "SELECT row_number, column_name, value, reason FROM ingest_warning"),
        "3,updated_at,2026,updated_at: date '2026' is a number, which as an Excel serial day is 1905-07-18; serial \
         days are read only from 25569 (1970-01-01) to 109574 (2199-12-31); set empty"
    );
    // A serial within the window still reads: 46 091 = 2026-03-10, .375 = 09:00 local (08:00 UTC).
    assert_eq!(
        rows(&db, "SELECT ticket_id, opened_at FROM ticket ORDER BY ticket_id"),
        "S2,2026-10-05 06:00:00\nS3,2026-03-10 08:00:00"
    );
}

#[test]
fn a_local_time_in_the_repeated_autumn_hour_loads_as_the_first_occurrence_with_a_warning() {
    // 02:30 happened twice in Stockholm on 2026-10-25; it was read as the first without a word,
    // while a time in the spring gap got a warning.
    let t = Tmp::new("autumnhour");
    std::fs::write(
        t.path("autumn.csv"),
        "ticket_id,kind,status,opened_at,resolved_at\n\
         A1,incident,resolved,2026-10-25 02:30,2026-10-25 03:30\n\
         A2,incident,resolved,2026-03-29 02:30,2026-03-29 04:00\n",
    )
    .unwrap();
    let out = itsm_ok(&t.0, &["ingest", "autumn.csv", "--profile", "generic", "--kind", "tickets"]);
    assert!(out.contains("2 read = 2 loaded + 0 rejected; 2 warnings"), "{out}");
    let db = t.db();
    assert_eq!(
        rows(&db, "SELECT ticket_id, opened_at FROM ticket ORDER BY ticket_id"),
        "A1,2026-10-25 00:30:00\nA2,2026-03-29 01:30:00"
    );
    assert_eq!(
        rows(&db, "SELECT row_number, column_name, value, reason FROM ingest_warning ORDER BY row_number"),
        "2,opened_at,2026-10-25 02:30,local time '2026-10-25 02:30' occurs twice in Europe/Stockholm (the hour \
         repeated when clocks go back); read as the first occurrence, in summer time (+02:00), not the second \
         (+01:00)\n\
         3,opened_at,2026-03-29 02:30,local time '2026-03-29 02:30' does not exist in Europe/Stockholm \
         (daylight-saving gap); shifted forward by the gap (60 min)"
    );
    assert_eq!(rows(&db, "SELECT warnings FROM ingest_batch"), "2");
}
