//! The Incident Manager's major incidents of a month (DESIGN §7a) from `kpi_major_incident`:
//! the rows of the local month the incidents were opened in, oldest first. The monthly
//! report shows the same table as a section of its own.
//!
//! Must not: decide what is major (the model reads `cfg_major_rule`) or format values.

use super::{parse_month, Result};
use crate::store::Store;
use crate::table::Table;

/// The major incidents opened in `month` (`YYYY-MM`), ordered by opening; a month the
/// build did not compute is refused (no rows would read as a month without one).
pub fn major(store: &Store, month: &str) -> Result<Table> {
    let (y, m) = parse_month(month)?;
    super::computed_month(store, (y, m), "--month")?;
    let first = format!("{y:04}-{m:02}-01");
    Ok(store.query_table_with(
        "SELECT ticket_id, title, opened_at, resolved_at, round(business_minutes, 1) AS business_minutes,
            round(duration_minutes, 1) AS duration_minutes, customers_affected, customers, users_affected, teams,
            handovers, problem_id, round(response_minutes, 1) AS response_minutes, response_outcome, sla_outcome, major_basis
        FROM kpi_major_incident WHERE month = CAST(? AS DATE) ORDER BY opened_at, ticket_id",
        &[&first],
    )?)
}
