//! The team table follows `itsm.toml` at every build. An ingest writes the configured
//! teams and applies `[[team_rules]]` to the teams without a line when its batch commits;
//! a user who gives the groups their lines after loading the exports (as `itsm build`'s
//! own note asks) would otherwise see no change until the next export arrives, and a rule
//! changed or removed would leave the lines it gave behind. So the build first brings the
//! table to what the configuration says, in its own transaction.
//!
//! Owns: which line and customer the configuration gives a team. Must not: invent teams
//! other than the configured ones, or touch the table when the configuration names no
//! teams (an ingest of the generic profile's files then gave them the sample
//! organisation's, see `cli::teams_for`).

use super::ComputeError;
use crate::config::Config;
use crate::model::{TeamRow, TeamRule};
use crate::store::Derive;

/// What the configuration says of the team `name`: a `[[teams]]` entry's line and
/// customer, else those of the first `[[team_rules]]` pattern it matches, else none.
fn configured(listed: &[TeamRow], rules: &[TeamRule], name: &str) -> (Option<u8>, Option<String>) {
    if let Some(t) = listed.iter().find(|t| t.name == name) {
        return (t.line, t.customer.clone());
    }
    match rules.iter().find(|r| r.matches(name)) {
        Some(rule) => (Some(rule.line), rule.customer.clone()),
        None => (None, None),
    }
}

/// Brings the team table to what `config` says when it configures teams (`[[teams]]` or
/// `[[team_rules]]`): every configured team is there with its line and customer, and every
/// other team has the line and customer of the first rule its name matches, or none.
/// Returns how many teams were added or changed (0: the table already said so, and nothing
/// is written).
pub(super) fn follow_config(tx: &Derive<'_>, config: &Config) -> Result<usize, ComputeError> {
    if !config.teams_configured {
        return Ok(0);
    }
    const NULL: &str = "\u{1e}";
    let stored = tx.query_column(&format!(
        "SELECT concat_ws(chr(31), name, coalesce(CAST(line AS VARCHAR), '{NULL}'), coalesce(customer, '{NULL}')) \
         FROM team ORDER BY name"
    ))?;
    let (listed, rules) = (config.team_rows(), config.team_rules());
    let mut rows: Vec<(String, Option<u8>, Option<String>)> = Vec::new();
    for row in &stored {
        let mut f = row.split('\u{1f}');
        let (Some(name), Some(line), Some(customer)) = (f.next(), f.next(), f.next()) else { continue };
        let now = (line.parse::<u8>().ok(), (customer != NULL).then(|| customer.to_string()));
        let want = configured(&listed, &rules, name);
        if want != now {
            rows.push((name.to_string(), want.0, want.1));
        }
    }
    let names: Vec<&str> = stored.iter().filter_map(|r| r.split('\u{1f}').next()).collect();
    for t in listed.iter().filter(|t| !names.contains(&t.name.as_str())) {
        rows.push((t.name.clone(), t.line, t.customer.clone()));
    }
    if rows.is_empty() {
        return Ok(0);
    }
    let text = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let values: Vec<String> = rows
        .iter()
        .map(|(name, line, customer)| {
            format!(
                "({}, {}, {})",
                text(name),
                line.map_or("NULL".to_string(), |l| l.to_string()),
                customer.as_deref().map_or("NULL".to_string(), text)
            )
        })
        .collect();
    tx.execute(
        &format!("INSERT OR REPLACE INTO team VALUES {}", values.join(", ")),
        "giving the teams the lines itsm.toml says",
    )?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_the_configuration_and_stays_without_one() {
        let path = std::env::temp_dir().join(format!("itsm-teams-{}.duckdb", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut store = crate::store::Store::open(&path).unwrap();
        let table = |store: &mut crate::store::Store| {
            store.teams().unwrap().into_iter().map(|t| (t.name, t.line, t.customer)).collect::<Vec<_>>()
        };
        {
            let tx = store.begin_derive().unwrap();
            tx.execute(
                "INSERT INTO team VALUES ('G1 2nd', NULL, NULL), ('Desk', NULL, NULL), ('Old', 3, 'Lomma'), \
                 ('O''Brien 2nd', 2, NULL)",
                "teams seen",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        // No teams configured: nothing moves.
        let tx = store.begin_derive().unwrap();
        assert_eq!(follow_config(&tx, &Config::default()).unwrap(), 0);
        drop(tx);
        let config = Config::parse(
            "[[teams]]\nname = \"Desk\"\nline = 1\ncustomer = \"Burlöv\"\n[[teams]]\nname = \"New\"\nline = 3\n\
             [[team_rules]]\npattern = \"*2nd*\"\nline = 2\n",
        )
        .unwrap();
        let tx = store.begin_derive().unwrap();
        // Desk listed, New added, G1 2nd by the rule, Old loses the line no rule gives it;
        // O'Brien 2nd already says what the rule gives.
        assert_eq!(follow_config(&tx, &config).unwrap(), 4);
        tx.commit().unwrap();
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            table(&mut store),
            [
                ("Desk".to_string(), Some(1), s("Burlöv")),
                ("G1 2nd".to_string(), Some(2), None),
                ("New".to_string(), Some(3), None),
                ("O'Brien 2nd".to_string(), Some(2), None),
                ("Old".to_string(), None, None),
            ]
        );
        let tx = store.begin_derive().unwrap();
        assert_eq!(follow_config(&tx, &config).unwrap(), 0, "in step: nothing to write");
        drop(tx);
        drop(store);
        let _ = std::fs::remove_file(&path);
    }
}
