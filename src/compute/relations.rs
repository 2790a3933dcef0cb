//! Which relations a SQL text reads: a light tokenizer, not a SQL parser. The identifier
//! after each `FROM` or `JOIN` (comments, strings and CTE names skipped; table functions
//! such as `range(…)` skipped). That is enough for plain DuckDB SQL written one `SELECT`
//! per file, which is what [`super::models`] checks the layering and build order with.
//!
//! Must not: know layers, models or the store.

use std::collections::BTreeSet;

/// The relations after `FROM` / `JOIN` with the line they are on, CTE names excluded.
pub(crate) fn relations(sql: &str) -> Vec<(String, usize)> {
    let tokens = tokenize(sql);
    let mut ctes = BTreeSet::new();
    // `name AS (`, `name AS MATERIALIZED (`, `name AS NOT MATERIALIZED (`.
    for (i, w) in tokens.iter().enumerate() {
        if !w.word || tokens.get(i + 1).is_none_or(|t| t.text != "as") {
            continue;
        }
        let rest: Vec<&str> = tokens[i + 2..].iter().take(3).map(|t| t.text.as_str()).collect();
        if matches!(rest.as_slice(), ["(", ..] | ["materialized", "(", ..] | ["not", "materialized", "("]) {
            ctes.insert(w.text.clone());
        }
    }
    let mut out = Vec::new();
    // For each open parenthesis: does it hold a function's arguments (`extract(year FROM t)`)
    // rather than a subquery? A FROM directly inside a call names no relation.
    let mut calls: Vec<bool> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.text.as_str() {
            "(" if !t.word => {
                let prev = i.checked_sub(1).map(|p| &tokens[p]);
                calls.push(prev.is_some_and(|p| p.word && !NOT_CALLS.contains(&p.text.as_str())));
                continue;
            }
            ")" if !t.word => {
                calls.pop();
                continue;
            }
            _ => {}
        }
        if !(t.word && (t.text == "from" || t.text == "join")) || calls.last() == Some(&true) {
            continue;
        }
        // `a IS [NOT] DISTINCT FROM b` compares values.
        if t.text == "from" && i > 0 && tokens[i - 1].text == "distinct" {
            continue;
        }
        let Some(next) = tokens.get(i + 1) else { continue };
        let called = tokens.get(i + 2).is_some_and(|n| n.text == "(");
        if next.word && !called && !ctes.contains(&next.text) && !KEYWORDS.contains(&next.text.as_str()) {
            out.push((next.text.clone(), next.line));
        }
    }
    out
}

/// Words after which a parenthesis opens a subquery or a list, not a function call.
const NOT_CALLS: &[&str] = &[
    "as",
    "materialized",
    "in",
    "exists",
    "from",
    "join",
    "on",
    "and",
    "or",
    "not",
    "where",
    "select",
    "using",
    "lateral",
    "values",
    "any",
    "all",
    "when",
    "then",
    "else",
    "by",
    "having",
    "union",
    "except",
    "intersect",
    "with",
    "over",
    "filter",
];

/// Words that may follow FROM/JOIN without naming a relation (`JOIN LATERAL`, `FROM (…)`).
const KEYWORDS: &[&str] = &["lateral", "select", "values", "unnest"];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    line: usize,
    word: bool,
}

/// Words (lower-cased; quoted identifiers kept as written) and single punctuation
/// characters, skipping comments and string literals.
fn tokenize(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                i += 2;
            }
            '\'' | '"' => {
                let start = (i + 1, line);
                i += 1;
                while i < chars.len() && !(chars[i] == c && chars.get(i + 1) != Some(&c)) {
                    line += usize::from(chars[i] == '\n');
                    i += if chars[i] == c { 2 } else { 1 };
                }
                if c == '"' {
                    let text: String = chars[start.0..i.min(chars.len())].iter().collect();
                    out.push(Token { text: text.replace("\"\"", "\""), line: start.1, word: true });
                }
                i += 1;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect::<String>().to_lowercase();
                out.push(Token { text, line, word: true });
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                out.push(Token { text: c.to_string(), line, word: false });
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_skip_materialized_ctes() {
        let sql = "WITH a AS MATERIALIZED (SELECT * FROM stg_ticket), b AS NOT MATERIALIZED (SELECT * FROM a)\n\
                   SELECT * FROM b JOIN fct_ticket USING (ticket_id)";
        let names: Vec<String> = relations(sql).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["stg_ticket", "fct_ticket"]);
    }

    #[test]
    fn relations_skip_ctes_comments_strings_and_functions() {
        let sql = "-- grain: x\nWITH a AS (SELECT * FROM stg_ticket), -- from nowhere\n\
                   b AS (SELECT 'from fake' AS s, extract(year FROM now()) AS y FROM range(3))\n\
                   SELECT * FROM a JOIN dim_team t ON true\n  LEFT JOIN \"Quoted\" q USING (x) ASOF JOIN calendar_span c ON 1 = 1";
        let got = relations(sql);
        assert_eq!(
            got,
            vec![("stg_ticket".into(), 2), ("dim_team".into(), 4), ("Quoted".into(), 5), ("calendar_span".into(), 5)]
        );
    }
}
