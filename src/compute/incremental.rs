//! Incremental builds (issue 14): after a day's export, recompute only the tickets that
//! changed since the last build, in the models whose header says `-- incremental: ticket`.
//!
//! A build records what it was computed from in `build_state`: the newest ingest batch, the
//! as-of instant and whether it was given, the configuration hash, a hash of every model
//! and macro, a hash of the team table, the calendar years and the tool version. The next
//! build is incremental only when all of those but the batch and the default as-of are the
//! same; anything else (`--full`, `--as-of`, a changed itsm.toml, model file, calendar
//! range or team line, a `--select` build before) makes it a full build, and says why.
//!
//! The changed tickets are those written by a newer batch (rows or events), those the
//! last build left open (their clocks ran to the old as-of) and those with instants after
//! the old as-of, with the tickets naming one of them as their problem or change and
//! those these name (see [`changed_tickets`]). An incremental build then, in one transaction:
//! 1. rebuilds the staging views and shadows each per-ticket one with a TEMP table of the
//!    changed tickets' rows;
//! 2. goes through the other models in build order: a per-ticket model is computed into a
//!    TEMP table of its name (so the per-ticket models after it read the changed rows
//!    only) and those tickets' rows are replaced in the database's table; a model with an
//!    incremental form (`-- incremental rows` in its file, see [`rebuild_rows`]) computes
//!    the rows that changed from the shadows and its own table, and those replace the
//!    stored ones; a model with an incremental form for its whole table (`-- incremental
//!    table`, see [`rebuild_table`]) computes it from its own table, the shadows and the
//!    rows the shadows replaced (`build_old_<name>`, kept only for such a form); any other
//!    model is rebuilt in full, reading the database's tables (the shadows it would see
//!    are parked under another name meanwhile, see [`Shadows`]);
//! 3. drops the shadows;
//! 4. commits without letting the checkpoint vacuum, so the replaced rows stay behind as
//!    deleted rows until, with the build's own, they are a fifth of a table, which is
//!    then rewritten whole (see [`rebuild`]).
//!
//! A build after which nothing was ingested, at the same as-of instant and with nothing
//! else changed, has nothing to do: the tables stand (see [`up_to_date`]).
//!
//! A per-ticket model may so read a model built in full before it (the month ends, the
//! customers' view of a ticket), whole; each of its rows must still come from a row of a
//! per-ticket model it reads, which the build checks (a row of an unchanged ticket is an
//! error, not a duplicate).
//!
//! Must not: decide anything a model computes; the SQL is the same in both kinds of build,
//! and the integration test compares every table of an incremental and a full build.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::models::{old_rows_of, Layer, Model, ModelSet, GENERATED_INPUTS, OLD_ROWS};
use super::relations::relations;
use super::{BuildInfo, ComputeError};
use crate::store::Derive;

/// What a build was computed from; one row of `build_state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct State {
    /// The newest ingest batch the build saw.
    pub last_batch: i64,
    /// Its as-of instant, microseconds since the epoch.
    pub as_of_us: i64,
    /// Whether `--as-of` gave the instant (then no incremental build follows).
    pub as_of_given: bool,
    /// sha256 of the configuration.
    pub config_sha256: String,
    /// md5 of the generated inputs but the as-of instant's (see [`inputs_md5`]): what the
    /// configuration names but does not hold, a price list's or portfolio's rows.
    pub inputs_md5: String,
    /// sha256 of the macros and every model's name and SQL.
    pub models_sha256: String,
    /// md5 of the team table (names, lines, customers).
    pub teams_md5: String,
    /// Calendar years covered.
    pub years: String,
    /// itsm's version.
    pub tool_version: String,
    /// Every model was built (not a `--select` build).
    pub complete: bool,
}

impl State {
    /// The state this build computes from.
    pub fn now(
        tx: &Derive<'_>,
        set: &ModelSet,
        info: &BuildInfo,
        as_of_given: bool,
        complete: bool,
    ) -> Result<State, ComputeError> {
        Ok(State {
            last_batch: tx.query_i64("SELECT coalesce(max(batch_id), 0) FROM ingest_batch")?,
            as_of_us: info.as_of.timestamp_micros(),
            as_of_given,
            config_sha256: info.config_sha256.clone(),
            inputs_md5: inputs_md5(tx)?,
            models_sha256: models_sha256(set),
            teams_md5: tx
                .query_column(
                    "SELECT coalesce(md5(string_agg(concat_ws('|', name, line, customer), chr(10) ORDER BY name)), '') \
                     FROM team",
                )?
                .pop()
                .unwrap_or_default(),
            years: format!("{}-{}", info.years.0, info.years.1),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            complete,
        })
    }

    /// The state the last build wrote, if any.
    pub fn last(tx: &Derive<'_>) -> Result<Option<State>, ComputeError> {
        if tx.query_i64(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'build_state'",
        )? == 0
        {
            return Ok(None);
        }
        // A build_state of an older itsm (without inputs_md5): the next build is full.
        if tx.query_i64(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'main' \
             AND table_name = 'build_state' AND column_name = 'inputs_md5'",
        )? == 0
        {
            return Ok(None);
        }
        let text = tx.query_column(
            "SELECT concat_ws(chr(31), last_batch, epoch_us(as_of), as_of_given, config_sha256, models_sha256, \
             teams_md5, years, tool_version, complete, inputs_md5) FROM build_state",
        )?;
        let Some(row) = text.first() else { return Ok(None) };
        let f: Vec<&str> = row.split('\u{1f}').collect();
        if f.len() != 10 {
            return Ok(None);
        }
        Ok(Some(State {
            last_batch: f[0].parse().unwrap_or(-1),
            as_of_us: f[1].parse().unwrap_or(i64::MIN),
            as_of_given: f[2] == "true",
            config_sha256: f[3].into(),
            models_sha256: f[4].into(),
            teams_md5: f[5].into(),
            years: f[6].into(),
            tool_version: f[7].into(),
            complete: f[8] == "true",
            inputs_md5: f[9].into(),
        }))
    }

    /// Replaces `build_state` with this state.
    pub fn write(&self, tx: &Derive<'_>) -> Result<(), ComputeError> {
        let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
        tx.execute(
            &format!(
                "CREATE OR REPLACE TABLE build_state (last_batch BIGINT, as_of TIMESTAMP, as_of_given BOOLEAN, \
                 config_sha256 VARCHAR, models_sha256 VARCHAR, teams_md5 VARCHAR, years VARCHAR, tool_version VARCHAR, \
                 complete BOOLEAN, built_at TIMESTAMP, inputs_md5 VARCHAR);\
                 INSERT INTO build_state VALUES ({}, make_timestamp({}::BIGINT), {}, {}, {}, {}, {}, {}, {}, now()::TIMESTAMP, {});",
                self.last_batch,
                self.as_of_us,
                self.as_of_given,
                q(&self.config_sha256),
                q(&self.models_sha256),
                q(&self.teams_md5),
                q(&self.years),
                q(&self.tool_version),
                self.complete,
                q(&self.inputs_md5)
            ),
            "writing the build state",
        )?;
        Ok(())
    }
}

/// The generated inputs [`inputs_md5`] leaves out: those holding the as-of instant, which
/// moves between incremental builds, and the calendar tables, which the configuration and
/// the calendar years make (both in the state; hashing calendar_hour's 70,000 rows took
/// 0.35 s).
const UNHASHED_INPUTS: [&str; 7] =
    ["cfg_build", "cfg_cab_as_of", "cfg_dispatch_as_of", "calendar_span", "calendar_hour", "local_day", "local_hour"];

/// md5 of every generated input's rows but [`UNHASHED_INPUTS`]', as this build wrote them.
/// The configuration's hash covers what itsm.toml says, not the rows of the files it
/// names (a price list, a portfolio), and a per-ticket model may read those
/// (`kpi_billing_ticket` reads `cfg_price`).
fn inputs_md5(tx: &Derive<'_>) -> Result<String, ComputeError> {
    let parts: Vec<String> = GENERATED_INPUTS
        .iter()
        .filter(|t| !UNHASHED_INPUTS.contains(t))
        .map(|t| format!("SELECT '{t}' AS name, coalesce(md5(string_agg(CAST(r AS VARCHAR), chr(10) ORDER BY CAST(r AS VARCHAR))), '') AS h FROM {t} AS r"))
        .collect();
    let sql =
        format!("SELECT md5(string_agg(name || ':' || h, chr(10) ORDER BY name)) FROM ({})", parts.join(" UNION ALL "));
    Ok(tx.query_column(&sql)?.pop().unwrap_or_default())
}

/// sha256 of the macros and every model (name and SQL), in build order.
fn models_sha256(set: &ModelSet) -> String {
    let mut digest = Sha256::new();
    if let Some((_, text)) = &set.macros {
        digest.update(text.as_bytes());
    }
    for m in &set.models {
        digest.update([0x1e]);
        digest.update(m.name.as_bytes());
        digest.update([0x1f]);
        digest.update(m.sql.as_bytes());
        digest.update([u8::from(m.by_ticket)]);
        if let Some(rows) = &m.incremental_rows {
            digest.update([0x1d]);
            digest.update(rows.as_bytes());
        }
        // The whole-table forms too: a form that changes could give other tables.
        if let Some(form) = &m.incremental_table {
            digest.update([0x1c]);
            digest.update(m.table_keys.join(",").as_bytes());
            digest.update([0x1f]);
            digest.update(form.as_bytes());
        }
    }
    digest.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Why this build must be full, or `None` when the last build allows an incremental one.
pub(super) fn why_full(last: Option<&State>, now: &State) -> Option<String> {
    let Some(last) = last else { return Some("no earlier build".into()) };
    let reasons = [
        (!last.complete, "the last build was a --select build"),
        (now.as_of_given || last.as_of_given, "--as-of was given"),
        (last.tool_version != now.tool_version, "itsm's version changed"),
        (last.config_sha256 != now.config_sha256, "the configuration changed"),
        (last.inputs_md5 != now.inputs_md5, "the generated inputs changed (a price list or portfolio file)"),
        (last.models_sha256 != now.models_sha256, "a model or macro changed"),
        (last.teams_md5 != now.teams_md5, "the team table changed (names, lines or customers)"),
        (last.years != now.years, "the calendar years changed"),
        (now.as_of_us < last.as_of_us, "the as-of instant moved back"),
    ];
    reasons.iter().find(|(hit, _)| *hit).map(|(_, why)| why.to_string())
}

/// Whether a build that may be incremental after `last` has nothing to do: no batch was
/// ingested since and the as-of instant is the same. With the configuration, the
/// generated inputs, the models, the team table and the calendar unchanged ([`why_full`]
/// said so), every table would come out as it is, the tickets the last build left open
/// too (their clocks run to the same instant).
pub(super) fn up_to_date(last: &State, now: &State) -> bool {
    why_full(Some(last), now).is_none() && last.last_batch == now.last_batch && last.as_of_us == now.as_of_us
}

/// The TEMP shadows of an incremental build. A per-ticket relation's shadow holds the
/// changed tickets' rows under the relation's own name, so a per-ticket model reading it
/// computes those tickets only; while a model built in full runs, the shadows it reads are
/// parked under `build_parked_<name>`, so it reads the database's (already updated) table.
/// The shadows go in build order: a per-ticket model may read models built in full before
/// it (`dim_month_end`, `kpi_customer_ticket`), and a model built in full may read
/// per-ticket ones.
#[derive(Debug, Default)]
pub(super) struct Shadows {
    /// Shadows under their relation's name.
    visible: BTreeSet<String>,
    /// Shadows parked under `build_parked_<name>`.
    parked: BTreeSet<String>,
    /// Per-ticket models whose replaced rows are kept as `build_old_<name>` for an
    /// incremental form that reads them ([`ModelSet::old_rows_read`]).
    keep_old: BTreeSet<String>,
}

impl Shadows {
    /// Shadows every per-ticket staging view of `set` with the changed tickets' rows.
    pub fn new(tx: &Derive<'_>, db: &str, set: &ModelSet) -> Result<Shadows, ComputeError> {
        let mut shadows = Shadows { keep_old: set.old_rows_read(), ..Shadows::default() };
        for m in set.models.iter().filter(|m| m.by_ticket && m.layer == Layer::Staging) {
            shadow(tx, db, m)?;
            shadows.visible.insert(m.name.clone());
        }
        Ok(shadows)
    }

    /// The statements that make `m` read what it must: the shadows of what it reads when
    /// it is built per ticket or from its incremental form, the database's tables when it
    /// is built in full.
    pub fn before(&mut self, m: &Model) -> String {
        let mut sql = String::new();
        // A model's incremental form reads the changed tickets' rows, as a per-ticket model.
        let per_ticket = m.by_ticket || m.incremental_rows.is_some() || m.incremental_table.is_some();
        for r in &m.reads {
            if per_ticket && self.parked.remove(r) {
                sql.push_str(&format!("ALTER TABLE temp.main.\"build_parked_{r}\" RENAME TO \"{r}\";"));
                self.visible.insert(r.clone());
            } else if !per_ticket && self.visible.remove(r) {
                sql.push_str(&format!("ALTER TABLE temp.main.\"{r}\" RENAME TO \"build_parked_{r}\";"));
                self.parked.insert(r.clone());
            }
        }
        sql
    }

    /// Records the shadow a per-ticket model left under its name (see [`rebuild`]).
    pub fn built(&mut self, m: &Model) {
        self.visible.insert(m.name.clone());
    }

    /// Whether the rows `m` replaces must be kept as `build_old_<name>`.
    pub fn keeps_old(&self, m: &Model) -> bool {
        self.keep_old.contains(&m.name)
    }

    /// The statements dropping every shadow, every table of old rows and `build_changed`.
    pub fn drop_all(&self) -> String {
        let mut sql = String::from("DROP TABLE IF EXISTS temp.main.build_changed;");
        for n in &self.keep_old {
            sql.push_str(&format!("DROP TABLE IF EXISTS temp.main.\"{OLD_ROWS}{n}\";"));
        }
        for n in &self.visible {
            sql.push_str(&format!("DROP TABLE IF EXISTS temp.main.\"{n}\";"));
        }
        for n in &self.parked {
            sql.push_str(&format!("DROP TABLE IF EXISTS temp.main.\"build_parked_{n}\";"));
        }
        sql
    }
}

/// Creates `build_changed` (TEMP): the tickets an incremental build after `last`
/// recomputes. Returns how many.
///
/// Those a newer batch wrote (rows or events), those with instants after the old as-of
/// and those the last build left open; then the tickets naming one of these as their
/// problem or change (`problem_id`, `change_id`: a per-ticket model may read the row of
/// the ticket's problem), and every ticket the set names so, transitively (so that row is
/// among the changed rows a per-ticket model reads).
pub(super) fn changed_tickets(tx: &Derive<'_>, last: &State) -> Result<i64, ComputeError> {
    let as_of = format!("make_timestamp({}::BIGINT)", last.as_of_us);
    let changed = tx.execute_count(
        &format!(
            "CREATE OR REPLACE TEMP TABLE build_changed AS \
             WITH RECURSIVE direct AS ( \
               SELECT source, ticket_id FROM ticket \
               WHERE batch_id > {b} OR opened_at > {as_of} OR updated_at > {as_of} \
               UNION SELECT source, ticket_id FROM ticket_event WHERE batch_id > {b} OR occurred_at > {as_of} \
               UNION SELECT source, ticket_id FROM fct_ticket_clock WHERE resolved_at IS NULL AND cancelled_at IS NULL), \
             link AS ( \
               SELECT source, ticket_id, problem_id AS named FROM ticket WHERE problem_id IS NOT NULL \
               UNION ALL SELECT source, ticket_id, change_id FROM ticket WHERE change_id IS NOT NULL), \
             naming AS ( \
               SELECT l.source, l.ticket_id FROM link AS l SEMI JOIN direct AS d \
               ON d.source = l.source AND d.ticket_id = l.named), \
             closed(source, ticket_id) AS ( \
               SELECT source, ticket_id FROM direct UNION SELECT source, ticket_id FROM naming \
               UNION SELECT l.source, l.named FROM closed AS c \
               JOIN link AS l ON l.source = c.source AND l.ticket_id = c.ticket_id) \
             SELECT source, ticket_id FROM closed",
            b = last.last_batch
        ),
        "finding the tickets that changed since the last build",
    )?;
    Ok(changed)
}

/// `"db".main."name"`: the database's table, not a TEMP shadow of the same name.
pub(super) fn in_db(db: &str, name: &str) -> String {
    format!("\"{}\".main.\"{}\"", db.replace('"', "\"\""), name)
}

/// Shadows a per-ticket staging view with the changed tickets' rows.
fn shadow(tx: &Derive<'_>, db: &str, m: &Model) -> Result<(), ComputeError> {
    tx.execute(
        &format!(
            "CREATE OR REPLACE TEMP TABLE \"{n}\" AS SELECT s.* FROM {t} AS s SEMI JOIN build_changed AS c \
             ON c.source = s.source AND c.ticket_id = s.ticket_id",
            n = m.name,
            t = in_db(db, &m.name)
        ),
        &format!("selecting the changed tickets of {}", m.name),
    )?;
    Ok(())
}

/// The share of replaced rows a per-ticket table may keep before an incremental build
/// rewrites it whole (see [`rebuild`]).
pub(super) const COMPACT_SHARE: f64 = 0.2;

/// Recomputes a per-ticket model for the changed tickets into a TEMP table of its name
/// (read by the models after it) and replaces their rows in the database's table.
/// Returns the table's rows and whether the table was rewritten whole.
///
/// DuckDB deletes by marking rows, and the checkpoint after a commit "vacuums" a table
/// whose row groups fit into fewer by rewriting and recompressing them. A full build's
/// tables rarely have full row groups, so the first day's replaced tickets let the
/// checkpoint rewrite most of `fct_ticket` and its kind: measured on the 1M sample, 4.8 to
/// 6.0 s of commit for 24,460 tickets replaced in 15 tables, against 0.6 s without
/// vacuum. An incremental build therefore commits without vacuum (`max_vacuum_tasks = 0`),
/// and a table whose replaced rows (this build's too) reach [`COMPACT_SHARE`] of what it
/// stores is rewritten whole instead of replacing rows in it, so the marked rows do not
/// pile up.
pub(super) fn rebuild(tx: &Derive<'_>, db: &str, m: &Model, keep_old: bool) -> Result<(i64, bool), ComputeError> {
    let fail = |source| ComputeError::Model { name: m.name.clone(), file: m.file.clone(), source };
    let new = tx
        .execute_count(
            &format!("CREATE OR REPLACE TEMP TABLE \"{}\" AS\n{}\n", m.name, m.sql),
            &format!("building {} for the changed tickets", m.name),
        )
        .map_err(fail)?;
    // A per-ticket model computes the changed tickets only because it reads the per-ticket
    // models restricted to them; a row of another ticket (read whole from a model built in
    // full) would be written twice. Refuse it instead.
    let strays = tx
        .query_i64(&format!(
            "SELECT count(*) FROM temp.main.\"{}\" AS s ANTI JOIN build_changed AS c \
             ON c.source = s.source AND c.ticket_id = s.ticket_id",
            m.name
        ))
        .map_err(fail)?;
    if strays > 0 {
        return Err(ComputeError::NotPerTicket { name: m.name.clone(), file: m.file.clone(), rows: strays });
    }
    let rows = format!("SELECT * FROM temp.main.\"{}\"", m.name);
    replace(tx, db, m, (&rows, new), "build_changed", &TICKET_KEY, keep_old)
}

/// Replaces rows of a model with an incremental form (see [`Model::incremental_rows`]):
/// runs the form into the TEMP table `build_rows`, then replaces the rows of the changed
/// tickets and of every ticket the form gave a row for with the form's rows. Returns the
/// table's rows, whether the table was rewritten whole (as in [`rebuild`]) and how many
/// rows the form gave.
///
/// The form reads the model's table as the last build left it, `build_changed` and the
/// models before it as a per-ticket model does (the per-ticket ones restricted to the
/// changed tickets, the others whole), and must give a ticket's row
/// whenever it differs from the stored one; the integration test compares the tables of
/// an incremental and a full build.
pub(super) fn rebuild_rows(tx: &Derive<'_>, db: &str, m: &Model, rows: &str) -> Result<(i64, bool, i64), ComputeError> {
    let fail = |source| ComputeError::Model { name: m.name.clone(), file: m.file.clone(), source };
    let context = format!("computing the rows of {} that changed", m.name);
    let given =
        tx.execute_count(&format!("CREATE OR REPLACE TEMP TABLE build_rows AS\n{rows}\n"), &context).map_err(fail)?;
    tx.execute(
        "CREATE OR REPLACE TEMP TABLE build_rows_key AS \
         SELECT source, ticket_id FROM build_changed UNION SELECT source, ticket_id FROM build_rows;",
        &context,
    )
    .map_err(fail)?;
    let (stored, whole) =
        replace(tx, db, m, ("SELECT * FROM temp.main.build_rows", given), "build_rows_key", &TICKET_KEY, false)?;
    tx.execute("DROP TABLE temp.main.build_rows; DROP TABLE temp.main.build_rows_key;", "dropping the changed rows")?;
    Ok((stored, whole, given))
}

/// Computes the whole table of a model with an incremental form for it (see
/// [`Model::incremental_table`]) and replaces the database's table with it, or, for a form
/// after `-- incremental keys: …` (see [`Model::table_keys`]), the rows of the keys the
/// form gives. Returns the table's rows, how many replaced rows (`build_old_<name>`)
/// the form read and, for a keyed form, whether its replaced rows made [`replace`] rewrite
/// the table whole (a form without keys always writes the whole table: `false`).
///
/// The form reads the model's table as the last build left it, the changed tickets' rows
/// of the per-ticket models it reads and their rows as the last build left them
/// (`build_old_<name>`, kept by [`replace`]); the integration test compares the table with
/// a full build's. A form whose columns are not the table's (names and types, in order;
/// then `keep BOOLEAN` for a keyed form) is refused.
///
/// A keyed form saves rewriting the whole table: on the 1M sample's day `kpi_dispatch_end`
/// deletes and inserts about 40,000 of its 581,179 rows. The deleted rows stay marked until
/// they reach [`COMPACT_SHARE`] of the table, which is then rewritten whole (as a per-ticket
/// table, see [`rebuild`]).
pub(super) fn rebuild_table(
    tx: &Derive<'_>,
    db: &str,
    m: &Model,
    form: &str,
) -> Result<(i64, i64, bool), ComputeError> {
    let fail = |source| ComputeError::Model { name: m.name.clone(), file: m.file.clone(), source };
    let table = in_db(db, &m.name);
    let mut old = 0;
    for name in
        relations(form).into_iter().map(|(n, _)| n).filter(|n| old_rows_of(n).is_some()).collect::<BTreeSet<_>>()
    {
        old += tx.query_i64(&format!("SELECT count(*) FROM temp.main.\"{name}\"")).map_err(fail)?;
    }
    let given = tx
        .execute_count(
            &format!("CREATE OR REPLACE TEMP TABLE build_rows AS\n{form}\n"),
            &format!("computing the table of {} from its incremental form", m.name),
        )
        .map_err(fail)?;
    let columns = |database: &str, name: &str| {
        tx.query_column(&format!(
            "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) FROM duckdb_columns() \
             WHERE database_name = '{}' AND schema_name = 'main' AND table_name = '{}'",
            database.replace('\'', "''"),
            name.replace('\'', "''")
        ))
    };
    let (stored, formed) = (columns(db, &m.name).map_err(fail)?, columns("temp", "build_rows").map_err(fail)?);
    let keyed = !m.table_keys.is_empty();
    let expected = if keyed { stored.iter().map(|c| format!("{c}, {KEEP} BOOLEAN")).collect() } else { stored.clone() };
    if expected != formed {
        return Err(ComputeError::FormColumns {
            name: m.name.clone(),
            file: m.file.clone(),
            table: expected.concat(),
            form: formed.concat(),
        });
    }
    let context = format!("replacing the table of {}", m.name);
    let (rows, whole) = if keyed {
        let kept = format!("SELECT * EXCLUDE ({KEEP}) FROM temp.main.build_rows WHERE {KEEP}");
        replace(tx, db, m, (&kept, given), "build_rows", &m.table_keys, false)?
    } else {
        let rows = tx
            .execute_count(&format!("CREATE OR REPLACE TABLE {table} AS SELECT * FROM temp.main.build_rows"), &context)
            .map_err(fail)?;
        (rows, false)
    };
    tx.execute("DROP TABLE temp.main.build_rows", &context).map_err(fail)?;
    Ok((rows, old, whole))
}

/// The last column of a keyed whole-table form (see [`Model::table_keys`]): whether the
/// key's row stays.
const KEEP: &str = "keep";

/// The key of a per-ticket table's rows.
const TICKET_KEY: [&str; 2] = ["source", "ticket_id"];

/// Replaces the rows of `m`'s table whose `key` columns match a row of the TEMP table
/// `keys` (NULL matching NULL) by the rows of the query `rows` (and how many rows it
/// gives, near enough), or rewrites the table whole once its replaced rows, with this
/// build's, reach [`COMPACT_SHARE`]. Returns the table's rows and whether it was rewritten
/// whole. With `keep_old`, the rows replaced are kept first in the TEMP table
/// `build_old_<name>`.
///
/// The counts come from what the statements return (the rows a `DELETE` took out, an
/// `INSERT` put in) and from the table's metadata, not from counting the table again.
fn replace<K: AsRef<str>>(
    tx: &Derive<'_>,
    db: &str,
    m: &Model,
    (rows, new): (&str, i64),
    keys: &str,
    key: &[K],
    keep_old: bool,
) -> Result<(i64, bool), ComputeError> {
    let fail = |source| ComputeError::Model { name: m.name.clone(), file: m.file.clone(), source };
    let table = in_db(db, &m.name);
    let on = key_match(key);
    if keep_old {
        tx.execute(
            &format!(
                "CREATE OR REPLACE TEMP TABLE \"{OLD_ROWS}{n}\" AS SELECT t.* FROM {table} AS t SEMI JOIN {keys} AS c \
                 ON {on}",
                n = m.name
            ),
            &format!("keeping the replaced rows of {}", m.name),
        )
        .map_err(fail)?;
    }
    // Rows stored (deleted ones too, until rewritten) against rows alive, as committed;
    // DuckDB answers both from the table's metadata.
    let stored = tx
        .query_i64(&format!(
            "SELECT coalesce(max(estimated_size), 0)::BIGINT FROM duckdb_tables() \
             WHERE database_name = '{}' AND schema_name = 'main' AND table_name = '{}'",
            db.replace('\'', "''"),
            m.name.replace('\'', "''")
        ))
        .map_err(fail)?;
    let alive = tx.query_i64(&format!("SELECT count(*) FROM {table}")).map_err(fail)?;
    // The rows this build replaces count too (as many as it puts in, near enough): an
    // ingest's checkpoint vacuums some deleted rows, so the share must be reached in the
    // build that would leave it behind.
    let whole = stored > 0 && (stored - alive + new) as f64 >= COMPACT_SHARE * stored as f64;
    let context = format!("replacing the changed tickets' rows of {}", m.name);
    let total = if whole {
        tx.execute_count(
            &format!(
                "CREATE OR REPLACE TABLE {table} AS SELECT t.* FROM {table} AS t ANTI JOIN {keys} AS c ON {on} \
                 UNION ALL BY NAME {rows}"
            ),
            &context,
        )
        .map_err(fail)?
    } else {
        let deleted = tx
            .execute_count(&format!("DELETE FROM {table} AS t USING {keys} AS c WHERE {on}"), &context)
            .map_err(fail)?;
        let inserted = tx.execute_count(&format!("INSERT INTO {table} BY NAME {rows}"), &context).map_err(fail)?;
        alive - deleted + inserted
    };
    Ok((total, whole))
}

/// `c.k = t.k AND …` over the key columns, NULL matching NULL but for a ticket's key
/// (never NULL; an equality is the cheaper join there).
fn key_match<K: AsRef<str>>(key: &[K]) -> String {
    key.iter()
        .map(|k| {
            let k = k.as_ref();
            if TICKET_KEY.contains(&k) {
                format!("c.\"{k}\" = t.\"{k}\"")
            } else {
                format!("c.\"{k}\" IS NOT DISTINCT FROM t.\"{k}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The as-of instant of a state, for messages.
pub(super) fn instant(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            last_batch: 3,
            as_of_us: 1_000,
            as_of_given: false,
            config_sha256: "c".into(),
            inputs_md5: "i".into(),
            models_sha256: "m".into(),
            teams_md5: "t".into(),
            years: "2025-2027".into(),
            tool_version: "1".into(),
            complete: true,
        }
    }

    #[test]
    fn only_new_batches_and_a_later_as_of_allow_an_incremental_build() {
        let last = state();
        let mut now = State { last_batch: 5, as_of_us: 2_000, ..state() };
        assert_eq!(why_full(Some(&last), &now), None);
        assert_eq!(why_full(None, &now).as_deref(), Some("no earlier build"));
        now.config_sha256 = "other".into();
        assert_eq!(why_full(Some(&last), &now).as_deref(), Some("the configuration changed"));
        let now = State { inputs_md5: "x".into(), ..state() };
        assert!(why_full(Some(&last), &now).unwrap().contains("generated inputs"));
        let now = State { models_sha256: "x".into(), ..state() };
        assert_eq!(why_full(Some(&last), &now).as_deref(), Some("a model or macro changed"));
        let now = State { teams_md5: "x".into(), ..state() };
        assert!(why_full(Some(&last), &now).unwrap().contains("team table"));
        let now = State { as_of_given: true, ..state() };
        assert_eq!(why_full(Some(&last), &now).as_deref(), Some("--as-of was given"));
        let partial = State { complete: false, ..state() };
        assert!(why_full(Some(&partial), &state()).unwrap().contains("--select"));
    }

    #[test]
    fn a_build_is_up_to_date_only_when_nothing_moved() {
        let last = state();
        assert!(up_to_date(&last, &state()));
        assert!(!up_to_date(&last, &State { last_batch: 4, ..state() }), "a new batch");
        assert!(!up_to_date(&last, &State { as_of_us: 2_000, ..state() }), "a later as-of");
        assert!(!up_to_date(&last, &State { inputs_md5: "x".into(), ..state() }), "a changed price list");
        assert!(!up_to_date(&last, &State { config_sha256: "x".into(), ..state() }));
        assert!(!up_to_date(&State { complete: false, ..state() }, &state()), "after a --select build");
    }

    #[test]
    fn models_built_in_full_read_the_tables_and_per_ticket_ones_the_shadows() {
        let set = super::super::models::ModelSet::from_files(
            "q",
            [
                ("staging/stg_t.sql", "-- grain: t\n-- incremental: ticket\nSELECT * FROM ticket"),
                ("marts/fct_a.sql", "-- grain: t\n-- incremental: ticket\nSELECT * FROM stg_t"),
                ("marts/dim_m.sql", "-- grain: m\nSELECT max(x) AS x FROM fct_a"),
                ("marts/fct_b.sql", "-- grain: t\n-- incremental: ticket\nSELECT * FROM fct_a, dim_m"),
                ("kpis/kpi_c.sql", "-- grain: t\n-- incremental: ticket\nSELECT * FROM fct_b JOIN fct_a USING (k)"),
            ]
            .into_iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect(),
        )
        .unwrap();
        let mut shadows = Shadows { visible: ["stg_t".to_string()].into(), ..Shadows::default() };
        let mut steps = Vec::new();
        for m in set.models.iter().filter(|m| m.layer != Layer::Staging) {
            steps.push((m.name.clone(), shadows.before(m)));
            if m.by_ticket {
                shadows.built(m);
            }
        }
        let step = |name: &str| steps.iter().find(|(n, _)| n == name).unwrap().1.clone();
        assert_eq!(step("fct_a"), "", "reads the visible shadow of stg_t");
        assert_eq!(step("dim_m"), "ALTER TABLE temp.main.\"fct_a\" RENAME TO \"build_parked_fct_a\";");
        assert_eq!(step("fct_b"), "ALTER TABLE temp.main.\"build_parked_fct_a\" RENAME TO \"fct_a\";");
        assert_eq!(step("kpi_c"), "");
        let drop = shadows.drop_all();
        for n in ["build_changed", "\"stg_t\"", "\"fct_a\"", "\"fct_b\"", "\"kpi_c\""] {
            assert!(drop.contains(n), "{drop}");
        }
    }

    #[test]
    fn a_keyed_form_replaces_the_rows_of_the_keys_it_gives_null_matching_null() {
        let model = "-- grain: one row per k and g\nSELECT k, g, count(*) AS n FROM fct_a GROUP BY ALL\n";
        // The stored rows of the keys the form gives, with one more end each; the key
        // ('b', NULL) loses its row (keep false) and ('c', 3) is new.
        let form = "-- incremental keys: k, g\n\
                    SELECT k, g, CAST(n AS BIGINT) AS n, n > 0 AS keep FROM (\n\
                    SELECT k, g, sum(n) AS n FROM (\n\
                    SELECT t.* FROM kpi_b AS t SEMI JOIN fct_a AS a ON a.k = t.k AND a.g IS NOT DISTINCT FROM t.g\n\
                    UNION ALL SELECT k, g, CASE WHEN k = 'b' THEN -1 ELSE 1 END FROM fct_a) GROUP BY ALL)";
        let set = ModelSet::from_files(
            "q",
            [
                ("marts/fct_a.sql", "-- grain: t\n-- incremental: ticket\nSELECT 'a' AS k, 1 AS g".to_string()),
                ("kpis/kpi_b.sql", format!("{model}{form}")),
            ]
            .into_iter()
            .map(|(f, t)| (f.to_string(), t))
            .collect(),
        )
        .unwrap();
        let m = set.model("kpi_b").unwrap();
        assert_eq!(m.table_keys, ["k", "g"]);
        let form = m.incremental_table.as_deref().unwrap();

        let path = std::env::temp_dir().join(format!("itsm-keyed-{}.duckdb", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut store = crate::store::Store::open(&path).unwrap();
        let tx = store.begin_derive().unwrap();
        tx.execute(
            "CREATE TABLE kpi_b (k VARCHAR, g INTEGER, n BIGINT); \
             INSERT INTO kpi_b SELECT chr(CAST(100 + i AS INTEGER)), i, 1 FROM range(10) AS r(i); \
             INSERT INTO kpi_b VALUES ('a', 1, 5), ('b', NULL, 1), ('b', 2, 7)",
            "a table",
        )
        .unwrap();
        tx.commit().unwrap();
        let tx = store.begin_derive().unwrap();
        let db = tx.query_column("SELECT current_database()").unwrap().pop().unwrap();
        let table = |sql: &str| {
            let sql = format!("SELECT string_agg(concat_ws(':', k, g, n), ' ' ORDER BY ALL) FROM ({sql})");
            tx.query_column(&sql).unwrap().concat()
        };
        // Two keys of 13 stored rows (under COMPACT_SHARE): rows deleted and inserted.
        tx.execute("CREATE TEMP TABLE fct_a AS SELECT * FROM (VALUES ('a', 1), ('b', NULL)) AS v(k, g)", "rows")
            .unwrap();
        assert_eq!(rebuild_table(&tx, &db, m, form).unwrap(), (12, 0, false));
        let rows = "SELECT * FROM kpi_b WHERE k IN ('a', 'b', 'c')";
        assert_eq!(table(rows), "a:1:6 b:2:7");
        assert_eq!(tx.query_i64("SELECT count(*) FROM kpi_b").unwrap(), 12);
        // Four keys (two rows deleted already): the table is rewritten whole.
        tx.execute(
            "CREATE OR REPLACE TEMP TABLE fct_a AS SELECT * FROM (VALUES ('a', 1), ('c', 3), ('e', 1), ('b', 2)) AS v(k, g)",
            "rows",
        )
        .unwrap();
        assert_eq!(rebuild_table(&tx, &db, m, form).unwrap(), (13, 0, true));
        assert_eq!(table(rows), "a:1:7 b:2:6 c:3:1");
        assert_eq!(table("SELECT * FROM kpi_b WHERE k = 'e'"), "e:1:2");
        drop(tx);
        drop(store);
        let _ = std::fs::remove_file(&path);
    }
}
