//! `itsm build`, `itsm test` and `itsm query` through the CLI: failing checks exit 1 and
//! show their rows, a model that breaks the layering is refused with file and line, a
//! failing model keeps the previous build, and query output formats.

use std::path::Path;

use crate::{fixture, itsm, itsm_ok, rows, Tmp};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A database with the SLA fixture loaded and the shipped models built.
fn loaded(name: &str) -> Tmp {
    let t = Tmp::new(name);
    itsm_ok(&t.0, &["ingest", &fixture("sla-tickets.csv"), &fixture("sla-history.csv")]);
    itsm_ok(&t.0, &["build"]);
    t
}

#[test]
fn failing_checks_exit_1_and_show_the_rows() {
    let t = loaded("checks-fail");
    let out = itsm_ok(&t.0, &["test"]);
    assert!(out.contains(" 0 failed"), "the shipped checks pass on the fixture: {out}");

    // A deliberately broken project: staging duplicates every ticket, a column check
    // expects only incidents, a singular check finds every request.
    let q = t.path("broken");
    write(
        &q,
        "staging/stg_ticket.sql",
        "-- grain: broken on purpose\nSELECT * FROM ticket UNION ALL SELECT * FROM ticket",
    );
    write(
        &q,
        "staging/checks.toml",
        "[stg_ticket]\nunique = [[\"ticket_id\"]]\naccepted_values = { kind = [\"incident\"] }\n",
    );
    write(&q, "checks/no_requests.sql", "SELECT ticket_id, kind FROM stg_ticket WHERE kind = 'request'");
    itsm_ok(&t.0, &["build", "--queries", q.to_str().unwrap()]);
    let out = itsm(&t.0, &["test", "--queries", q.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // 12 tickets, each twice.
    assert!(stdout.contains("FAIL stg_ticket ticket_id unique(ticket_id): 12 failing rows; first 5:"), "{stdout}");
    assert!(stdout.contains("ticket_id  n"), "{stdout}");
    // The one request, twice.
    assert!(stdout.contains("FAIL stg_ticket kind accepted_values: 1 failing rows; first 1:"), "{stdout}");
    assert!(stdout.contains("request  2"), "{stdout}");
    assert!(stdout.contains("FAIL no_requests  singular: 2 failing rows; first 2:"), "{stdout}");
    assert!(stdout.contains("S10        request"), "{stdout}");
    assert!(stdout.contains("3 checks, 0 passed, 3 failed"), "{stdout}");
}

#[test]
fn a_model_reading_the_layer_above_is_refused_with_file_and_line() {
    let t = loaded("layering");
    let q = t.path("q");
    write(&q, "staging/stg_x.sql", "-- grain: one row per ticket\nSELECT *\nFROM kpi_y");
    write(&q, "kpis/kpi_y.sql", "-- grain: one row\nSELECT 1 AS one");
    let out = itsm(&t.0, &["build", "--queries", q.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("stg_x.sql:3: staging model 'stg_x' reads 'kpi_y' from the layer above (kpis)"),
        "{stderr}"
    );
}

#[test]
fn a_failing_model_keeps_the_previous_build() {
    let t = loaded("keep");
    let before = rows(&t.db(), "SELECT count(*), sum(elapsed_minutes) FROM fct_ticket_sla");
    let q = t.path("q");
    write(&q, "staging/stg_ticket.sql", "-- grain: one row per ticket\nSELECT * FROM ticket WHERE 1 = 0");
    write(&q, "staging/stg_bad.sql", "-- grain: nonsense\nSELECT no_such_column FROM ticket");
    let out = itsm(&t.0, &["build", "--queries", q.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("model stg_bad") && stderr.contains("no_such_column"), "{stderr}");
    assert_eq!(rows(&t.db(), "SELECT count(*), sum(elapsed_minutes) FROM fct_ticket_sla"), before);
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM stg_ticket"), "12", "stg_ticket was not replaced");
}

/// The build sets two of the database's settings (`write_buffer_row_group_count`,
/// `max_vacuum_tasks`); SET is not rolled back with a transaction, so the build gives them
/// back after a failing, an up-to-date and an incremental build alike.
#[test]
fn a_build_gives_the_database_settings_back_whatever_happens() {
    use itsm::compute::{build, load_models, BuildOptions};
    let t = loaded("settings");
    let mut store = itsm::store::Store::open(&t.db()).unwrap();
    let settings = |store: &itsm::store::Store| {
        store
            .query_text(
                "SELECT current_setting('write_buffer_row_group_count')::VARCHAR, \
                 current_setting('max_vacuum_tasks')::VARCHAR",
            )
            .unwrap()
    };
    let defaults = settings(&store);
    let config = itsm::config::Config::default();
    let shipped = load_models(None).unwrap();
    let up_to_date = build(&mut store, &config, &shipped, &BuildOptions::default(), |_| {}).unwrap();
    assert!(up_to_date.mode.starts_with("up to date"), "{}", up_to_date.mode);
    assert_eq!(settings(&store), defaults, "after an up-to-date build");
    let q = t.path("q");
    write(&q, "staging/stg_bad.sql", "-- grain: nonsense\nSELECT no_such_column FROM ticket");
    let failing = load_models(Some(&q)).unwrap();
    assert!(build(&mut store, &config, &failing, &BuildOptions::default(), |_| {}).is_err());
    assert_eq!(settings(&store), defaults, "after a failing build");
    drop(store);
    let day = t.path("day.csv");
    let tickets = std::fs::read_to_string(fixture("sla-tickets.csv")).unwrap();
    let mut lines = tickets.lines();
    let header = lines.next().unwrap();
    let last = lines.last().unwrap();
    // The last ticket again, written later: a newer batch, so the next build is incremental.
    let updated = header.split(',').position(|c| c == "updated_at").unwrap();
    let mut fields: Vec<String> = last.split(',').map(str::to_string).collect();
    fields[updated] = "2026-12-31T10:00:00+01:00".to_string();
    std::fs::write(&day, format!("{header}\n{}\n", fields.join(","))).unwrap();
    itsm_ok(&t.0, &["ingest", day.to_str().unwrap()]);
    let mut store = itsm::store::Store::open(&t.db()).unwrap();
    let incremental = build(&mut store, &config, &shipped, &BuildOptions::default(), |_| {}).unwrap();
    assert!(incremental.mode.starts_with("incremental"), "{}", incremental.mode);
    assert_eq!(settings(&store), defaults, "after an incremental build");
}

#[test]
fn query_prints_csv_and_json_and_cannot_write() {
    let t = loaded("query");
    let csv = itsm_ok(
        &t.0,
        &[
            "query",
            "SELECT ticket_id, outcome FROM fct_ticket_sla WHERE ticket_id IN ('S1', 'S3') ORDER BY 1",
            "--format",
            "csv",
        ],
    );
    assert_eq!(csv, "ticket_id,outcome\nS1,met\nS3,breached\n");
    let json = itsm_ok(&t.0, &["query", "SELECT 'a\"b' AS s, NULL AS n", "--format", "json"]);
    assert_eq!(json, "[\n  {\"s\": \"a\\\"b\", \"n\": null}\n]\n");
    // Issue 13: numbers, decimals, booleans and dates keep their JSON type (a DECIMAL its
    // exact digits); text and CSV show what DuckDB prints.
    let sql = "SELECT 1 AS n, 12.50::DECIMAL(9,2) AS d, 0.5::DOUBLE AS f, true AS b, DATE '2026-10-01' AS m";
    let json = itsm_ok(&t.0, &["query", sql, "--format", "json"]);
    assert_eq!(json, "[\n  {\"n\": 1, \"d\": 12.50, \"f\": 0.5, \"b\": true, \"m\": \"2026-10-01\"}\n]\n");
    assert_eq!(itsm_ok(&t.0, &["query", sql, "--format", "csv"]), "n,d,f,b,m\n1,12.50,0.5,true,2026-10-01\n");
    let odd = "SELECT INTERVAL 90 MINUTE AS i, [1, 2] AS l, 1.0::DOUBLE AS x, TIMESTAMP '2026-10-01 12:00:00.5' AS t";
    assert_eq!(
        itsm_ok(&t.0, &["query", odd, "--format", "csv"]),
        "i,l,x,t\n01:30:00,\"[1, 2]\",1.0,2026-10-01 12:00:00.5\n"
    );
    std::fs::write(t.path("q.sql"), "SELECT count(*) AS n FROM fct_ticket_sla;\n").unwrap();
    assert_eq!(itsm_ok(&t.0, &["query", "q.sql", "--format", "csv"]), "n\n11\n");
    let out = itsm(&t.0, &["query", "DELETE FROM ticket"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM ticket"), "12");
    // Nor write or read other files: personal data leaves through `itsm export`, pseudonymised.
    let copy = t.path("copy.csv");
    let out = itsm(&t.0, &["query", &format!("COPY ticket TO '{}'", copy.display())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!copy.exists());
    let out = itsm(&t.0, &["query", &format!("SELECT * FROM read_csv('{}')", t.path("q.sql").display())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("disabled"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn select_builds_a_model_with_its_upstream_or_downstream_only() {
    let t = Tmp::new("select");
    itsm_ok(&t.0, &["ingest", &fixture("sla-tickets.csv"), &fixture("sla-history.csv")]);
    // Nothing built yet: a model alone cannot be built without what it reads.
    let out = itsm(&t.0, &["build", "--select", "kpi_sla_by_team_month"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has not been built yet") && err.contains("+kpi_sla_by_team_month"), "{err}");

    // Upstream: the KPI and every model it reads, nothing else.
    let out = itsm_ok(&t.0, &["build", "--select", "+kpi_sla_by_team_month"]);
    assert!(out.contains("kpi_sla_by_team_month") && out.contains("fct_ticket_sla"), "{out}");
    assert!(!out.contains("kpi_ftr_by_month") && !out.contains("fct_billing_charge"), "{out}");
    let built = rows(&t.db(), "SELECT name FROM build_model ORDER BY name");
    assert!(built.lines().any(|r| r == "kpi_sla_by_team_month") && !built.lines().any(|r| r == "kpi_ftr_by_month"));
    let full = itsm_ok(&t.0, &["query", "SELECT * FROM kpi_sla_by_team_month ORDER BY ALL", "--format", "csv"]);

    // Downstream after a full build: the mart and its readers are rebuilt, the registry
    // keeps every model, and the figures equal the full build's.
    itsm_ok(&t.0, &["build"]);
    let all = rows(&t.db(), "SELECT count(*) FROM build_model");
    let out = itsm_ok(&t.0, &["build", "--select", "fct_ticket_sla+"]);
    assert!(out.contains("fct_ticket_sla") && out.contains("kpi_sla_by_team_month"), "{out}");
    assert!(!out.contains("fct_status_interval") && !out.contains("kpi_ftr_by_month"), "{out}");
    assert_eq!(rows(&t.db(), "SELECT count(*) FROM build_model"), all);
    let again = itsm_ok(&t.0, &["query", "SELECT * FROM kpi_sla_by_team_month ORDER BY ALL", "--format", "csv"]);
    assert_eq!(again, full);

    let out = itsm(&t.0, &["build", "--select", "kpi_nothing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no model named 'kpi_nothing'"));
}

/// Every model table of a database, each sorted, as text.
fn model_tables(db: &Path) -> Vec<(String, String)> {
    let names = rows(db, "SELECT name FROM build_model WHERE materialized = 'TABLE' ORDER BY name");
    names.lines().map(|n| (n.to_string(), rows(db, &format!("SELECT * FROM {n} ORDER BY ALL")))).collect()
}

/// The number that follows `marker` in a build's output `out` (at `step` of a test).
fn number_after(out: &str, marker: &str, step: &str) -> i64 {
    let rest = out.split(marker).nth(1).unwrap_or_else(|| panic!("{step}: no '{marker}' in: {out}"));
    let word = rest.split(' ').next().unwrap_or_default();
    word.parse().unwrap_or_else(|_| panic!("{step}: '{word}' after '{marker}' is not a number: {out}"))
}

/// Builds `t`'s database incrementally and a copy of it with `--full`; every model table
/// must be the same, row for row. Returns the incremental build's output.
fn assert_incremental_equals_full(t: &Tmp, step: &str) -> String {
    let full_db = t.path(&format!("full-{step}.duckdb"));
    std::fs::copy(t.db(), &full_db).unwrap();
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("incremental: "), "{step}: {out}");
    let changed = number_after(&out, "incremental: ", step);
    assert!(changed > 0 && changed < 3000, "{step}: only the changed tickets are recomputed: {changed}");
    // fct_repeat_incident is not per ticket (a running window over each repeat key): its
    // incremental form gives the rows from each key's first moved incident on.
    let formed = number_after(&out, "recomputed from their incremental rows: fct_repeat_incident (", step);
    assert!(formed < 3000, "{step}: only the rows that can change: {formed}");
    // kpi_dispatch_end sums the ends of every stretch of fct_clock_reach: its incremental
    // form replaces the rows of the keys the changed tickets' stretches before and after
    // touch.
    let replaced = number_after(&out, "kpi_dispatch_end (by keys, ", step);
    let full_out = itsm_ok(&t.0, &["build", "--full", "--db", full_db.to_str().unwrap()]);
    assert!(full_out.contains("full: --full"), "{full_out}");

    let (incremental, full) = (model_tables(&t.db()), model_tables(&full_db));
    assert_eq!(incremental.len(), full.len());
    assert!(incremental.len() >= 40, "every model table is compared: {}", incremental.len());
    for ((name, a), (other, b)) in incremental.iter().zip(&full) {
        assert_eq!(name, other);
        assert!(a == b, "{step}: {name} differs between the incremental and the full build");
    }
    // The registry's row counts are what the build's statements returned (a DELETE's, an
    // INSERT's, a CREATE TABLE … AS's count), not counted again: each must be its table's.
    for db in [t.db(), full_db.clone()] {
        let registry = rows(&db, "SELECT name, rows FROM build_model WHERE materialized = 'TABLE' ORDER BY name");
        let counted: Vec<String> =
            full.iter().map(|(n, _)| format!("{n},{}", rows(&db, &format!("SELECT count(*) FROM {n}")))).collect();
        assert_eq!(registry, counted.join("\n"), "{step}: the registry holds each table's rows");
    }
    for busy in [
        "fct_status_interval",
        "fct_ticket_sla",
        "fct_billing_charge",
        "fct_repeat_incident",
        "kpi_sla_by_team_month",
        "kpi_customer_backlog_ticket",
        "kpi_breached_ticket",
        "kpi_billing_ticket",
        "kpi_dispatch_end",
        "kpi_dispatch",
    ] {
        assert!(full.iter().any(|(n, rows)| n == busy && rows.lines().count() > 10), "{step}: {busy} has rows");
    }
    // The stretches of tickets the last build counted (decided then, changed since) were
    // taken out: the form's subtraction was tested, not only its addition.
    assert!(replaced > 0, "{step}: replaced stretches of fct_clock_reach: {out}");
    out
}

/// Sets `updated_at` to `opened_at` in the rows of `path` updated on or after `cut`.
fn set_updated_at_before(path: &Path, cut: &str) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (opened, updated) = (col("opened_at"), col("updated_at"));
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(&header).unwrap();
    for row in rows {
        let mut fields: Vec<String> = row.iter().map(str::to_string).collect();
        if fields[updated].get(..10).is_some_and(|d| d >= cut) {
            fields[updated] = fields[opened].clone();
        }
        w.write_record(&fields).unwrap();
    }
    w.flush().unwrap();
}

/// Writes the ticket rows of `path` to `to` with `updated_at` an hour later.
fn touched_later(path: &Path, to: &Path) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    let updated = header.iter().position(|c| c == "updated_at").unwrap();
    let mut w = csv::Writer::from_path(to).unwrap();
    w.write_record(&header).unwrap();
    for row in r.records().map(Result::unwrap) {
        let mut fields: Vec<String> = row.iter().map(str::to_string).collect();
        let at = chrono::DateTime::parse_from_rfc3339(&fields[updated]).unwrap();
        fields[updated] = (at + chrono::Duration::hours(1)).to_rfc3339();
        w.write_record(&fields).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn an_incremental_build_gives_exactly_the_tables_of_a_full_build() {
    let t = Tmp::new("incremental");
    let (sample, first, rest, second, third) =
        (t.path("sample"), t.path("first"), t.path("rest"), t.path("second"), t.path("third"));
    itsm_ok(
        &t.0,
        &["sample", "--tickets", "3000", "--months", "4", "--end-month", "2026-10", "--out", sample.to_str().unwrap()],
    );
    // Three exports: up to late September, then up to 20 October (the as-of instant moves
    // into a new month), then a few days.
    let split = itsm::sample::split_export(&sample, "2026-09-27", &first, &rest).unwrap();
    assert!(split.before.0 > 2000 && split.from.0 > 100 && split.from.1 > 500, "{split:?}");
    let split = itsm::sample::split_export(&rest, "2026-10-20", &second, &third).unwrap();
    assert!(split.before.0 > 100 && split.from.0 > 100 && split.from.1 > 500, "{split:?}");
    let file = |dir: &Path, name: &str| dir.join(name).to_string_lossy().into_owned();
    // A ticket row carries the ticket's final state, and its `updated_at` would put the
    // first build's as-of instant in late October: date it at the opening, so the first
    // build is as of September (the later exports bring the ticket again, touched).
    set_updated_at_before(&first.join("tickets.csv"), "2026-09-27");
    itsm_ok(&t.0, &["ingest", &file(&first, "tickets.csv"), &file(&first, "history.csv")]);
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("full: no earlier build"), "{out}");
    let as_of = |t: &Tmp| rows(&t.db(), "SELECT as_of FROM build_state");
    let first_as_of = as_of(&t);
    assert!(first_as_of.starts_with("2026-09-"), "{first_as_of}");

    // A later export: new tickets, later rows of known tickets, their new events.
    itsm_ok(&t.0, &["ingest", &file(&second, "tickets.csv"), &file(&second, "history.csv")]);
    assert_incremental_equals_full(&t, "second");
    assert!(as_of(&t).starts_with("2026-10-"), "the as-of instant moved into October");
    // The export touched repeat chains begun before it and tickets opened in earlier months.
    let touched = |sql: &str| rows(&t.db(), &sql.replace("{as_of}", &first_as_of)).parse::<i64>().unwrap();
    assert!(
        touched(
            "SELECT count(*) FROM fct_repeat_incident AS r JOIN fct_repeat_incident AS p \
             ON p.source = r.previous_source AND p.ticket_id = r.previous_ticket_id \
             WHERE r.opened_at > TIMESTAMP '{as_of}' AND p.opened_at <= TIMESTAMP '{as_of}'"
        ) > 0
    );
    assert!(
        touched(
            "SELECT count(*) FROM fct_ticket_flow WHERE resolved_at > TIMESTAMP '{as_of}' \
             AND opened_month < DATE '2026-09-01'"
        ) > 0
    );

    // A few days more, in two exports.
    let (third_a, fourth) = (t.path("third_a"), t.path("fourth"));
    let split = itsm::sample::split_export(&third, "2026-10-26", &third_a, &fourth).unwrap();
    assert!(split.before.0 > 20 && split.from.0 > 20, "{split:?}");
    itsm_ok(&t.0, &["ingest", &file(&third_a, "tickets.csv"), &file(&third_a, "history.csv")]);
    assert_incremental_equals_full(&t, "third");
    itsm_ok(&t.0, &["ingest", &file(&fourth, "tickets.csv"), &file(&fourth, "history.csv")]);
    assert_incremental_equals_full(&t, "fourth");
    // The last export again, with every row an hour newer: its tickets and the open ones
    // are replaced once more. Replaced rows stay in the tables as deleted rows (the
    // checkpoint of an incremental build does not vacuum; an ingest's vacuums some) until,
    // with this build's, they would be a fifth of a table, which is then rewritten whole.
    let again = t.path("again.csv");
    touched_later(&fourth.join("tickets.csv"), &again);
    itsm_ok(&t.0, &["ingest", again.to_str().unwrap()]);
    let out = assert_incremental_equals_full(&t, "again");
    assert!(out.contains("rewritten whole (over 20 % replaced rows): "), "{out}");

    // Nothing new and the same as-of: the tables stand, and they are a full build's.
    let before = model_tables(&t.db());
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("up to date: nothing ingested since the build as of "), "{out}");
    assert!(out.contains("nothing to build (as of "), "{out}");
    assert!(before == model_tables(&t.db()), "an up-to-date build changes no table");
    let full_db = t.path("full-nothing-new.duckdb");
    std::fs::copy(t.db(), &full_db).unwrap();
    itsm_ok(&t.0, &["build", "--full", "--db", full_db.to_str().unwrap()]);
    assert!(before == model_tables(&full_db), "the tables that stand are a full build's");

    // A changed configuration forces a full build.
    let prices = t.path("prices.csv");
    std::fs::write(&prices, "type,name,unit_price,valid_from\nhourly,*,800,2024-01-01\n").unwrap();
    let toml = format!("price_list = '{}'\n", prices.display());
    std::fs::write(t.path("itsm.toml"), format!("[kpi]\nfirst_contact_minutes = 20\n[billing]\n{toml}")).unwrap();
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("full: the configuration changed"), "{out}");
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("up to date: "), "{out}");
    // So does a changed file the configuration names: the price list's rows.
    std::fs::write(&prices, "type,name,unit_price,valid_from\nhourly,*,900,2024-01-01\n").unwrap();
    let out = itsm_ok(&t.0, &["build"]);
    assert!(out.contains("full: the generated inputs changed"), "{out}");
}
