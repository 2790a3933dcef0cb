//! `itsm init` and profile detection (issue 17): each shipped tool fixture and the public
//! logs of ../shared/data pick their profile, the written itsm.toml loads, and ingest + build
//! with it give an FTR population.

use std::path::{Path, PathBuf};

use crate::{fixture, itsm, itsm_ok, rows, scalar, Tmp};

/// Runs `itsm init --from FILE --dir DIR`, asserts it chose `profile`, and loads the written file.
fn init_picks(t: &Tmp, file: &str, profile: &str) -> itsm::config::Config {
    let dir = t.path("project");
    let out = itsm_ok(&t.0, &["init", "--from", file, "--dir", dir.to_str().unwrap(), "--force"]);
    assert!(out.contains(&format!("-> profile {profile} (")), "{file}: expected {profile}\n{out}");
    assert!(out.contains("columns found") && out.contains("unmapped"), "{out}");
    let config = itsm::config::Config::load(Some(&dir.join("itsm.toml"))).unwrap();
    assert_eq!(config.sources[profile].profile, profile);
    config
}

#[test]
fn init_picks_the_profile_of_each_tool_fixture() {
    let t = Tmp::new("init-fixtures");
    for (file, profile) in [
        ("profile-servicenow.csv", "servicenow"),
        ("profile-jira.csv", "jira"),
        ("profile-topdesk.csv", "topdesk"),
        ("profile-glpi.csv", "glpi"),
    ] {
        init_picks(&t, &fixture(file), profile);
    }
    let sample = format!("{}/sample-data/tickets.csv", env!("CARGO_MANIFEST_DIR"));
    let config = init_picks(&t, &sample, "generic");
    // The sample's groups: Service Desk is line 1 by name; the others' names say no line.
    assert_eq!(config.teams.iter().map(|t| (t.name.as_str(), t.line)).collect::<Vec<_>>(), [("Service Desk", 1)]);
    let text = std::fs::read_to_string(t.path("project/itsm.toml")).unwrap();
    assert!(text.contains("# name = \"Infrastructure\"") && text.contains("# check: line unknown"), "{text}");
    assert!(text.contains("[sla]") && text.contains("# [calendars.office]"), "{text}");
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let t = Tmp::new("init-force");
    itsm_ok(&t.0, &["init", "--from", &fixture("profile-glpi.csv")]);
    let again = itsm(&t.0, &["init", "--from", &fixture("profile-glpi.csv")]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
}

/// The public logs, or None (printed) when ../shared/data is absent; CI must have them.
fn public_data() -> Option<PathBuf> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !data.join("bpi2013-volvo/bpi_challenge_2013_incidents.csv").is_file() {
        assert!(std::env::var_os("CI").is_none(), "CI has ../shared/data, but {} is missing", data.display());
        eprintln!("SKIPPED: ../shared/data is not here (the public ITSM logs)");
        return None;
    }
    Some(data)
}

#[test]
fn init_picks_the_profile_of_the_public_logs() {
    let Some(data) = public_data() else { return };
    let t = Tmp::new("init-public");
    for (file, profile) in [
        ("helpdesk-italian/Helpdesk_ERamaM.csv", "helpdesk-italian"),
        ("bpi2014-rabobank-changes/BPI_2014_Detail_Change_records_reconstructed.csv", "bpi2014-changes"),
        // The three Volvo logs share their columns: the status labels tell the closed
        // problems apart, the file's name the open problems from the incidents.
        ("bpi2013-volvo/bpi_challenge_2013_incidents.csv", "bpi2013-volvo"),
        ("bpi2013-volvo/bpi_challenge_2013_open_problems.csv", "bpi2013-problems"),
        ("bpi2013-volvo/bpi_challenge_2013_closed_problems.csv", "bpi2013-closed-problems"),
    ] {
        init_picks(&t, data.join(file).to_str().unwrap(), profile);
    }
    // Detected by `itsm ingest` too, each log into its own source, of its own kind.
    for file in ["incidents", "open_problems", "closed_problems"] {
        let path = data.join(format!("bpi2013-volvo/bpi_challenge_2013_{file}.csv"));
        itsm_ok(&t.0, &["ingest", path.to_str().unwrap()]);
    }
    assert_eq!(
        rows(&t.db(), "SELECT source, kind, count(*) FROM ticket GROUP BY ALL ORDER BY 1"),
        "bpi2013-closed-problems,problem,1487\nbpi2013-problems,problem,819\nbpi2013-volvo,incident,7554"
    );
}

/// The Volvo log's groups carry their line in the name (`G230 2nd`, `V17 3rd`), which `itsm
/// init` writes as two `[[team_rules]]` — but no
/// group is named 1st line, so FTR itself stays blank (first_line_configured false): the
/// population is there, and the tickets first held by a 2nd- or 3rd-line group are counted as
/// routed past the desk, which they could only be with the guessed lines.
#[test]
fn init_on_the_volvo_log_gives_lines_and_an_ftr_population() {
    let Some(data) = public_data() else { return };
    let t = Tmp::new("init-volvo");
    let volvo = data.join("bpi2013-volvo/bpi_challenge_2013_incidents.csv");
    let config = init_picks(&t, volvo.to_str().unwrap(), "bpi2013-volvo");
    // 649 groups: the lines their names say come as two rules, not 414 entries.
    assert!(config.teams.is_empty(), "{:?}", config.teams);
    let rules: Vec<(String, u8)> = config.team_rules().into_iter().map(|r| (r.pattern, r.line)).collect();
    assert_eq!(rules, [("*2nd*".to_string(), 2), ("*3rd*".to_string(), 3)]);
    let dir = t.path("project");
    itsm_ok(&dir, &["ingest", volvo.to_str().unwrap(), "--source", "bpi2013-volvo"]);
    let db = dir.join("itsm.duckdb");
    assert_eq!(rows(&db, "SELECT line FROM team WHERE name IN ('G230 2nd', 'V17 3rd') ORDER BY name"), "2\n3");
    assert!(scalar(&db, "SELECT count(*) FROM team WHERE line IS NOT NULL") > 300);
    assert_eq!(scalar(&db, "SELECT count(*) FROM team WHERE line = 1"), 0);
    let out = itsm_ok(&dir, &["build"]);
    // The note counts the teams the rules gave a line (not "none with a line").
    assert!(out.contains("(649 teams in the data, 414 with a line, none on the 1st)"), "{out}");
    assert!(scalar(&db, "SELECT sum(population) FROM kpi_ftr_by_month") > 5000);
    assert!(scalar(&db, "SELECT sum(routed_past_desk) FROM kpi_ftr_by_month") > 500);
    assert_eq!(scalar(&db, "SELECT count(*) FROM kpi_ftr_by_month WHERE first_line_configured"), 0);
}

#[test]
fn ingest_without_a_profile_detects_it_or_refuses_with_the_ranking() {
    let t = Tmp::new("init-ingest");
    let out = itsm_ok(&t.0, &["ingest", &fixture("profile-servicenow.csv")]);
    assert!(out.contains("profile-servicenow.csv: profile servicenow (tickets): all required columns found"), "{out}");
    assert_eq!(
        scalar(&t.db(), "SELECT count(*) FROM ticket WHERE source = 'servicenow'"),
        scalar(&t.db(), "SELECT count(*) FROM ticket")
    );
    assert!(scalar(&t.db(), "SELECT count(*) FROM ticket") > 0);
    std::fs::write(t.path("other.csv"), "foo;bar;baz\n1;2;3\n").unwrap();
    let out = itsm(&t.0, &["ingest", t.path("other.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no built-in profile finds all its required columns"), "{stderr}");
    assert!(stderr.contains("Best matches:") && stderr.contains("columns found"), "{stderr}");
    assert_eq!(scalar(&t.db(), "SELECT count(*) FROM ingest_batch"), 1);
}

/// An export no built-in profile reads (a Swedish tool's, renamed headers, Windows-1252,
/// semicolons): `itsm init` writes a draft profile with the columns the closest profile
/// found and the required fields to fill in, names it in [sources], and the ingest says
/// what is missing until the user has mapped it; then the file loads.
#[test]
fn an_unknown_export_gets_a_draft_profile_to_finish() {
    let t = Tmp::new("init-draft");
    let dir = t.path("project");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture("sv-export-cp1252.csv"), dir.join("export.csv")).unwrap();
    let out = itsm_ok(&dir, &["init", "--from", "export.csv"]);
    assert!(out.contains("wrote a draft profile ./export.toml"), "{out}");
    assert!(out.contains("next: finish export.toml, then itsm ingest export.csv --source export"), "{out}");
    let config = itsm::config::Config::load(Some(&dir.join("itsm.toml"))).unwrap();
    assert_eq!(config.sources["export"].profile, "export.toml");
    let draft = std::fs::read_to_string(dir.join("export.toml")).unwrap();
    assert!(draft.contains("status = \"Status\"   # found by the topdesk profile's names"), "{draft}");
    assert!(draft.contains("# ticket_id = \"\"   # check: required"), "{draft}");
    assert!(draft.contains("\"Ärendenummer\", \"Ärendetyp\""), "the unread columns are listed: {draft}");
    // Unfinished: the ingest names the fields still to map, and loads nothing.
    let out = itsm(&dir, &["ingest", "export.csv", "--source", "export"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("'ticket_id' (field ticket_id)"), "{stderr}");
    // Finished as a user would: the three required fields mapped, work time in hours.
    let finished = draft
        .replace("# ticket_id = \"\"   # check: required: which column holds it?", "ticket_id = \"Ärendenummer\"")
        .replace("# kind = \"\"   # check: required: which column holds it?", "kind = \"Ärendetyp\"")
        .replace("# opened_at = \"\"   # check: required: which column holds it?", "opened_at = \"Registrerad\"");
    std::fs::write(dir.join("export.toml"), finished).unwrap();
    let out = itsm_ok(&dir, &["ingest", "export.csv", "--source", "export"]);
    assert!(out.contains("4 read = 4 loaded + 0 rejected"), "{out}");
    assert_eq!(rows(&dir.join("itsm.duckdb"), "SELECT count(*) FROM ticket WHERE kind = 'incident'"), "3");
    // Without --force a second init keeps itsm.toml; with it, itsm.toml is written again but
    // the finished profile is kept (--force is for itsm.toml) and still named in [sources].
    let again = itsm(&dir, &["init", "--from", "export.csv"]);
    assert!(!again.status.success());
    let out = itsm_ok(&dir, &["init", "--from", "export.csv", "--force"]);
    assert!(out.contains("kept the profile ./export.toml that is there"), "{out}");
    assert!(std::fs::read_to_string(dir.join("export.toml")).unwrap().contains("ticket_id = \"Ärendenummer\""));
    let config = itsm::config::Config::load(Some(&dir.join("itsm.toml"))).unwrap();
    assert_eq!(config.sources["export"].profile, "export.toml");
}
