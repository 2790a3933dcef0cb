//! The price list of the billing basis: a CSV file (`type,name,unit_price,valid_from,
//! valid_to`) read into rows for the `cfg_price` input table. `type` is `item` (a request
//! item, priced per delivery) or `hourly` (a team's rate per started rounding step; name
//! `kind:change` etc. is the rate of a kind of work; `*` the rate of anything else). The
//! file may be CSV or the first sheet of a workbook (.xlsx, .ods). Prices have validity dates so a rerun of
//! an old month uses that month's prices; `valid_to` is exclusive and may be empty.
//!
//! Must not: decide what is billed (SQL does); errors name file, row, column and value.

use std::path::Path;

use chrono::NaiveDate;

use crate::tabular::{read_table, text::parse_decimal, TableError};

/// One price.
#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    /// `item` or `hourly`.
    pub kind: String,
    /// Request item or team name (`*` for any team).
    pub name: String,
    /// Price in the billing currency (per item, or per hour), exactly, in öre (hundredths;
    /// `cfg_price.unit_price` is DECIMAL(18, 2): money is never a float).
    pub unit_price: i128,
    /// First day the price holds.
    pub valid_from: NaiveDate,
    /// First day it no longer holds.
    pub valid_to: Option<NaiveDate>,
}

/// Prices must fit DECIMAL(18, 2).
const PRICE_LIMIT: i128 = 10_000_000_000_000_000 * 100;

/// Reads and checks a price list.
pub fn read(path: &Path) -> Result<Vec<Price>, TableError> {
    let want = ["type", "name", "unit_price", "valid_from", "valid_to"];
    let table = read_table(path, "price list", &want[..4])?;
    let columns = table.columns(path, "price list", &want, 4, Some("type,name,unit_price,valid_from[,valid_to]"))?;
    let mut prices = Vec::new();
    for (line, fields) in &table.rows {
        let record = columns.record(*line, fields);
        let (cell, bad) = (|k| record.cell(k), |k, problem| record.bad(k, problem));
        let kind = cell(0).to_lowercase();
        if kind != "item" && kind != "hourly" {
            return Err(bad(0, "is not 'item' or 'hourly'"));
        }
        if cell(1).is_empty() {
            return Err(bad(1, "is empty: name the request item, the team or '*'"));
        }
        let unit_price = match parse_decimal(cell(2), 2) {
            Ok(Some(v)) if (0..PRICE_LIMIT).contains(&v) => v,
            _ => return Err(bad(2, "is not a price (a number ≥ 0 with at most 2 decimals)")),
        };
        let date = |k: usize| NaiveDate::parse_from_str(cell(k), "%Y-%m-%d");
        let valid_from = date(3).map_err(|_| bad(3, "is not a date YYYY-MM-DD"))?;
        let valid_to =
            if cell(4).is_empty() { None } else { Some(date(4).map_err(|_| bad(4, "is not a date YYYY-MM-DD"))?) };
        if valid_to.is_some_and(|to| to <= valid_from) {
            return Err(bad(4, "is not after valid_from"));
        }
        prices.push(Price { kind, name: cell(1).to_string(), unit_price, valid_from, valid_to });
    }
    Ok(prices)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("itsm-prices-{}-{name}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_swedish_and_english_numbers_and_validity() {
        let p = write("ok", "type;name;unit_price;valid_from;valid_to\nitem;Ny dator;12 500,50;2025-01-01;2026-07-01\nhourly;*;950;2025-01-01;\n");
        let prices = read(&p).unwrap();
        assert_eq!(prices.len(), 2);
        assert_eq!(prices[0].unit_price, 1_250_050);
        assert_eq!(prices[0].valid_to, NaiveDate::from_ymd_opt(2026, 7, 1));
        assert_eq!((prices[1].kind.as_str(), prices[1].name.as_str(), prices[1].valid_to), ("hourly", "*", None));
    }

    #[test]
    fn a_title_above_the_header_is_passed_over_and_rows_keep_their_lines() {
        let p = write(
            "title",
            "Prislista 2026\nGäller från 1 januari;;;;\n\ntyp;x\nType;Name;Unit_price;Valid_from;Valid_to\nitem;Ny dator;12 500,50;2025-01-01;\nitem;Mus;gratis;2025-01-01;\n",
        );
        // The header is line 5: the bad price is named on line 7, the file's own.
        let err = read(&p).unwrap_err().to_string();
        assert!(err.contains("row 7, column unit_price: value 'gratis'"), "{err}");
    }

    #[test]
    fn errors_name_file_row_column_and_value() {
        let p = write("bad", "type,name,unit_price,valid_from\nitem,Headset,gratis,2025-01-01\n");
        let err = read(&p).unwrap_err().to_string();
        assert!(
            err.ends_with(
                "row 2, column unit_price: value 'gratis' is not a price (a number ≥ 0 with at most 2 decimals)"
            ),
            "{err}"
        );
        let p = write("kind", "type,name,unit_price,valid_from\nmonthly,X,1,2025-01-01\n");
        assert!(read(&p).unwrap_err().to_string().contains("column type: value 'monthly'"));
        let p = write("cols", "name,unit_price\n");
        assert!(read(&p).unwrap_err().to_string().contains("has no column 'type'"));
    }
}
