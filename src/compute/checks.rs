//! Column checks for SQL models, in the style of dbt's generic tests: a layer's `checks.toml`
//! declares them, and each check becomes one `SELECT` that returns the rows breaking it (zero
//! rows = pass).
//!
//! This module owns parsing and validating `checks.toml` and generating that SQL. It must not
//! touch the database: running the queries and reporting results belong to the caller.

use std::collections::BTreeMap;

use serde::Deserialize;

/// What a column check asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckKind {
    /// The combination of `columns` (one or more) occurs at most once.
    Unique,
    /// The column has no NULLs.
    NotNull,
    /// Every non-null value of the column, as text, is one of these.
    AcceptedValues(Vec<String>),
    /// Every non-null value of the column exists in `to_model.to_column`.
    Relationships {
        /// Model referred to.
        to_model: String,
        /// Column of `to_model` that must hold the value.
        to_column: String,
    },
}

/// One declared check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnCheck {
    /// Model (table or view) checked.
    pub model: String,
    /// Columns checked: one, except for a `Unique` combination.
    pub columns: Vec<String>,
    /// What is asserted.
    pub kind: CheckKind,
}

/// Errors in a `checks.toml`; `origin` names the file.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The text is not TOML of the expected shape (including unknown keys).
    #[error("{origin} is invalid: {message}")]
    Toml {
        /// File the text came from.
        origin: String,
        /// TOML's message, with line and column.
        message: String,
    },
    /// A model, column or target name is not a plain lowercase identifier.
    #[error("{origin}: [{model}] has invalid identifier '{identifier}' (expected ^[a-z_][a-z0-9_]*$)")]
    Identifier {
        /// File the text came from.
        origin: String,
        /// Model whose checks hold the identifier.
        model: String,
        /// The offending identifier.
        identifier: String,
    },
    /// A `unique` entry lists no columns.
    #[error("{origin}: [{model}] has an empty column combination in `unique`")]
    EmptyUnique {
        /// File the text came from.
        origin: String,
        /// Model whose checks hold the entry.
        model: String,
    },
    /// An `accepted_values` entry lists no values.
    #[error("{origin}: [{model}] accepted_values for '{column}' is empty")]
    EmptyAcceptedValues {
        /// File the text came from.
        origin: String,
        /// Model whose checks hold the entry.
        model: String,
        /// Column with no accepted values.
        column: String,
    },
    /// A `relationships` target is not of the form `model.column`.
    #[error("{origin}: [{model}] relationships target '{target}' for '{column}' is not 'model.column'")]
    Target {
        /// File the text came from.
        origin: String,
        /// Model whose checks hold the entry.
        model: String,
        /// Column whose target is malformed.
        column: String,
        /// The target as written.
        target: String,
    },
}

/// One model's table in `checks.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ModelChecks {
    unique: Vec<Vec<String>>,
    not_null: Vec<String>,
    // BTreeMap rather than the TOML order so the output order does not depend on the parser.
    accepted_values: BTreeMap<String, Vec<String>>,
    relationships: BTreeMap<String, String>,
}

/// Parses one layer's checks.toml; `origin` (e.g. "queries/marts/checks.toml") is used in errors.
///
/// Returns checks in a deterministic order: by model name, then `unique`, `not_null`,
/// `accepted_values`, `relationships`, columns in declared order (for maps: sorted by column name).
pub fn parse_checks(text: &str, origin: &str) -> Result<Vec<ColumnCheck>, CheckError> {
    let models: BTreeMap<String, ModelChecks> =
        toml::from_str(text).map_err(|e| CheckError::Toml { origin: origin.into(), message: e.to_string() })?;
    let mut checks = Vec::new();
    for (model, declared) in models {
        // Names are spliced into SQL, so only plain identifiers are let through.
        let ident = |name: &str| -> Result<String, CheckError> {
            if is_identifier(name) {
                Ok(name.to_string())
            } else {
                Err(CheckError::Identifier { origin: origin.into(), model: model.clone(), identifier: name.into() })
            }
        };
        ident(&model)?;
        let check = |columns: Vec<String>, kind| ColumnCheck { model: model.clone(), columns, kind };
        for combo in &declared.unique {
            if combo.is_empty() {
                return Err(CheckError::EmptyUnique { origin: origin.into(), model: model.clone() });
            }
            let columns = combo.iter().map(|c| ident(c)).collect::<Result<_, _>>()?;
            checks.push(check(columns, CheckKind::Unique));
        }
        for column in &declared.not_null {
            checks.push(check(vec![ident(column)?], CheckKind::NotNull));
        }
        for (column, values) in declared.accepted_values {
            let column = ident(&column)?;
            if values.is_empty() {
                // `NOT IN ()` is not valid SQL, and an empty list is almost surely a mistake.
                return Err(CheckError::EmptyAcceptedValues { origin: origin.into(), model: model.clone(), column });
            }
            checks.push(check(vec![column], CheckKind::AcceptedValues(values)));
        }
        for (column, target) in declared.relationships {
            let column = ident(&column)?;
            let Some((to_model, to_column)) = target.split_once('.') else {
                return Err(CheckError::Target { origin: origin.into(), model: model.clone(), column, target });
            };
            let kind = CheckKind::Relationships { to_model: ident(to_model)?, to_column: ident(to_column)? };
            checks.push(check(vec![column], kind));
        }
    }
    Ok(checks)
}

impl ColumnCheck {
    /// Short name used in output, e.g. `unique(source, ticket_id)`, `not_null`, `accepted_values`,
    /// `relationships(dim_team.name)`.
    pub fn name(&self) -> String {
        match &self.kind {
            CheckKind::Unique => format!("unique({})", self.column_label()),
            CheckKind::NotNull => "not_null".into(),
            CheckKind::AcceptedValues(_) => "accepted_values".into(),
            CheckKind::Relationships { to_model, to_column } => format!("relationships({to_model}.{to_column})"),
        }
    }

    /// Column label for output: columns joined by ", ".
    pub fn column_label(&self) -> String {
        self.columns.join(", ")
    }

    /// A SELECT returning the failing rows (zero rows = pass).
    pub fn failing_rows_sql(&self) -> String {
        let model = quote_ident(&self.model);
        let cols = self.columns.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ");
        match &self.kind {
            CheckKind::Unique => format!(
                "SELECT {cols}, count(*) AS n FROM {model} GROUP BY {cols} HAVING count(*) > 1 ORDER BY n DESC, {cols}"
            ),
            CheckKind::NotNull => format!("SELECT * FROM {model} WHERE {cols} IS NULL"),
            CheckKind::AcceptedValues(values) => {
                let list = values.iter().map(|v| quote_literal(v)).collect::<Vec<_>>().join(", ");
                // The cast lets one string list check integer, boolean and enum columns alike.
                format!(
                    "SELECT {cols}, count(*) AS n FROM {model} WHERE {cols} IS NOT NULL \
                     AND CAST({cols} AS VARCHAR) NOT IN ({list}) GROUP BY {cols} ORDER BY n DESC, {cols}"
                )
            }
            CheckKind::Relationships { to_model, to_column } => format!(
                "SELECT * FROM {model} AS child WHERE child.{cols} IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM {} AS parent WHERE parent.{} = child.{cols})",
                quote_ident(to_model),
                quote_ident(to_column)
            ),
        }
    }
}

/// `^[a-z_][a-z0-9_]*$`, without pulling in a regex engine for it.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

// Parsed checks hold only plain identifiers; doubling quotes still keeps hand-built checks safe.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(model: &str, column: &str, kind: CheckKind) -> ColumnCheck {
        ColumnCheck { model: model.into(), columns: vec![column.into()], kind }
    }

    #[test]
    fn parses_in_deterministic_order() {
        let text = r#"
            [fct_ticket_sla]
            relationships = { breach_team = "dim_team.name", assignee = "dim_person.id" }
            accepted_values = { outcome = ["met", "breached"], basis = ["history", "flat"] }
            not_null = ["source", "ticket_id"]
            unique = [["source", "ticket_id"], ["ticket_id"]]

            [dim_team]
            unique = [["name"]]
        "#;
        let checks = parse_checks(text, "queries/marts/checks.toml").unwrap();
        let summary: Vec<_> = checks.iter().map(|c| (c.model.as_str(), c.name(), c.column_label())).collect();
        let expected = [
            ("dim_team", "unique(name)", "name"),
            ("fct_ticket_sla", "unique(source, ticket_id)", "source, ticket_id"),
            ("fct_ticket_sla", "unique(ticket_id)", "ticket_id"),
            ("fct_ticket_sla", "not_null", "source"),
            ("fct_ticket_sla", "not_null", "ticket_id"),
            ("fct_ticket_sla", "accepted_values", "basis"),
            ("fct_ticket_sla", "accepted_values", "outcome"),
            ("fct_ticket_sla", "relationships(dim_person.id)", "assignee"),
            ("fct_ticket_sla", "relationships(dim_team.name)", "breach_team"),
        ];
        let expected: Vec<_> = expected.iter().map(|(m, n, c)| (*m, n.to_string(), c.to_string())).collect();
        assert_eq!(summary, expected);
        assert_eq!(checks[5].kind, CheckKind::AcceptedValues(vec!["history".into(), "flat".into()]));
        assert_eq!(checks[8].kind, CheckKind::Relationships { to_model: "dim_team".into(), to_column: "name".into() });
    }

    #[test]
    fn empty_text_and_empty_model_give_no_checks() {
        assert!(parse_checks("", "x").unwrap().is_empty());
        assert!(parse_checks("[m]\n", "x").unwrap().is_empty());
    }

    #[test]
    fn unique_sql() {
        let check = ColumnCheck {
            model: "fct_ticket_sla".into(),
            columns: vec!["source".into(), "ticket_id".into()],
            kind: CheckKind::Unique,
        };
        assert_eq!(
            check.failing_rows_sql(),
            r#"SELECT "source", "ticket_id", count(*) AS n FROM "fct_ticket_sla" GROUP BY "source", "ticket_id" HAVING count(*) > 1 ORDER BY n DESC, "source", "ticket_id""#
        );
    }

    #[test]
    fn not_null_sql() {
        let check = one("m", "c", CheckKind::NotNull);
        assert_eq!(check.failing_rows_sql(), r#"SELECT * FROM "m" WHERE "c" IS NULL"#);
    }

    #[test]
    fn accepted_values_sql_escapes_quotes() {
        let check = one("m", "c", CheckKind::AcceptedValues(vec!["x".into(), "O'Brien".into()]));
        assert_eq!(
            check.failing_rows_sql(),
            r#"SELECT "c", count(*) AS n FROM "m" WHERE "c" IS NOT NULL AND CAST("c" AS VARCHAR) NOT IN ('x', 'O''Brien') GROUP BY "c" ORDER BY n DESC, "c""#
        );
        let parsed = parse_checks("[m]\naccepted_values = { c = [\"O'Brien\"] }\n", "x").unwrap();
        assert_eq!(parsed[0].kind, CheckKind::AcceptedValues(vec!["O'Brien".into()]));
        assert!(parsed[0].failing_rows_sql().contains("NOT IN ('O''Brien')"));
    }

    #[test]
    fn relationships_sql() {
        let check = one("m", "c", CheckKind::Relationships { to_model: "to".into(), to_column: "col".into() });
        assert_eq!(
            check.failing_rows_sql(),
            r#"SELECT * FROM "m" AS child WHERE child."c" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "to" AS parent WHERE parent."col" = child."c")"#
        );
    }

    #[test]
    fn unknown_key_is_an_error() {
        let err = parse_checks("[m]\nunique_together = [[\"a\"]]\n", "queries/marts/checks.toml").unwrap_err();
        assert!(matches!(&err, CheckError::Toml { origin, .. } if origin == "queries/marts/checks.toml"));
        assert!(err.to_string().contains("unique_together"), "{err}");
    }

    #[test]
    fn bad_identifiers_are_errors() {
        let cases = [
            ("[m]\nnot_null = [\"drop table\"]\n", "m", "drop table"),
            ("[Bad]\nnot_null = [\"a\"]\n", "Bad", "Bad"),
            ("[m]\nunique = [[\"a\", \"1a\"]]\n", "m", "1a"),
            ("[m]\naccepted_values = { \"a-b\" = [\"x\"] }\n", "m", "a-b"),
            ("[m]\nrelationships = { a = \"dim.na me\" }\n", "m", "na me"),
            ("[m]\nrelationships = { a = \"dim.x.y\" }\n", "m", "x.y"),
        ];
        for (text, want_model, want_identifier) in cases {
            match parse_checks(text, "x") {
                Err(CheckError::Identifier { model, identifier, .. }) => {
                    assert_eq!((model.as_str(), identifier.as_str()), (want_model, want_identifier), "{text}");
                }
                other => panic!("{text}: expected an identifier error, got {other:?}"),
            }
        }
    }

    #[test]
    fn relationship_target_without_dot_is_an_error() {
        let err = parse_checks("[m]\nrelationships = { team = \"dim_team\" }\n", "x").unwrap_err();
        assert!(
            matches!(&err, CheckError::Target { model, column, target, .. }
                if model == "m" && column == "team" && target == "dim_team"),
            "{err:?}"
        );
    }

    #[test]
    fn empty_unique_combo_is_an_error() {
        let err = parse_checks("[m]\nunique = [[\"a\"], []]\n", "x").unwrap_err();
        assert!(matches!(&err, CheckError::EmptyUnique { model, .. } if model == "m"), "{err:?}");
    }

    #[test]
    fn empty_accepted_values_is_an_error() {
        let err = parse_checks("[m]\naccepted_values = { c = [] }\n", "x").unwrap_err();
        assert!(matches!(&err, CheckError::EmptyAcceptedValues { column, .. } if column == "c"), "{err:?}");
    }
}
