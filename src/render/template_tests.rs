//! Tests of template parsing, block validation and localisation (render/template.rs).
use super::*;

const EXAMPLE: &str = r#"---
title = { sv = "Månadsrapport IT-drift", en = "Monthly IT operations report" }
description = "Optional, same localized form or a plain string"
---

## [[Översikt|Overview]]

```tile
query = "kpi_ftr_by_month"
value = "ftr_rate"
target = "ftr_target"
format = "percent"
title = { sv = "Första-kontakt-lösning", en = "First-touch resolution" }
definition = "ftr"
```

```bar
query = "kpi_sla_by_team_month"
x = "team"
y = ["compliance"]
target = "target"
format = "percent"
title = { sv = "SLA per lösande grupp", en = "SLA by resolve team" }
definition = "sla"
```
"#;

fn loc(sv: &str, en: &str) -> Option<Localized> {
    Some(Localized { sv: sv.into(), en: en.into() })
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// The error of parsing `text` as `t.md`.
fn error(text: &str) -> String {
    parse_template("t.md", text).map(|t| format!("parsed: {t:?}")).unwrap_or_else(|e| e.to_string())
}

/// A template whose only figure is `body` in a `kind` fence opening on line 5.
fn block(kind: &str, body: &str) -> String {
    format!("---\ntitle = 'T'\n---\n\n```{kind}\n{body}\n```\n")
}

fn figures(t: &Template) -> Vec<&Block> {
    t.items.iter().filter_map(|i| if let Item::Figure(b) = i { Some(b) } else { None }).collect()
}

#[test]
fn example_parses() {
    let tile = BlockSpec {
        query: "kpi_ftr_by_month".into(),
        value: s("ftr_rate"),
        target: s("ftr_target"),
        format: Some(NumberFormat::Percent),
        title: loc("Första-kontakt-lösning", "First-touch resolution"),
        definition: s("ftr"),
        ..BlockSpec::default()
    };
    let bar = BlockSpec {
        query: "kpi_sla_by_team_month".into(),
        x: s("team"),
        y: vec!["compliance".into()],
        target: s("target"),
        format: Some(NumberFormat::Percent),
        title: loc("SLA per lösande grupp", "SLA by resolve team"),
        definition: s("sla"),
        ..BlockSpec::default()
    };
    let description = "Optional, same localized form or a plain string";
    let expected = Template {
        file: "monthly.md".into(),
        front: FrontMatter {
            title: Localized { sv: "Månadsrapport IT-drift".into(), en: "Monthly IT operations report".into() },
            description: loc(description, description),
        },
        items: vec![
            Item::Markdown("\n## [[Översikt|Overview]]\n\n".into()),
            Item::Figure(Block { kind: BlockKind::Tile, line: 8, spec: tile }),
            Item::Figure(Block { kind: BlockKind::Bar, line: 17, spec: bar }),
        ],
    };
    let t = parse_template("monthly.md", EXAMPLE).expect("example parses");
    assert_eq!(t, expected);
    assert_eq!(t.front.title.get(Lang::En), "Monthly IT operations report");
    // Windows line endings (and a byte-order mark) parse to the same template.
    let crlf = format!("\u{feff}{}", EXAMPLE.replace('\n', "\r\n"));
    assert_eq!(parse_template("monthly.md", &crlf).expect("CRLF example parses"), expected);
    let bad = block("tile", "query = 'q'\nvalue = 3").replace('\n', "\r\n");
    assert!(error(&bad).starts_with("t.md:7: `tile` block: invalid type"), "{}", error(&bad));
}

#[test]
fn markdown_and_ordinary_code_stay_verbatim() {
    let md = "Intro\n\n```sql\nselect 1\n```\n\n````markdown\n```tile\nnot = 'a figure'\n```\n````\n\
              ```mermaid\ngraph\n```\n";
    let figures_md = "```line\nquery = 'q'\ny = ['a']\n```\n```line\nquery = 'q'\nx = 'day'\ny = ['b']\n```\nEnd";
    let text = format!("---\ntitle = 'T'\n---\n{md}{figures_md}");
    let t = parse_template("t.md", &text).expect("parses");
    assert_eq!(
        (t.items.len(), &t.items[0], &t.items[3]),
        (4, &Item::Markdown(md.into()), &Item::Markdown("End\n".into()))
    );
    let f = figures(&t);
    assert_eq!((f[0].line, f[1].line, f[0].x_column(), f[1].x_column()), (18, 22, Some("month"), Some("day")));
    assert!(parse_template("t.md", &block("chart", "query = [")).is_ok(), "unknown kind is Markdown");
}

#[test]
fn front_matter_and_fence_errors() {
    let cases = [
        ("# No front matter\n", "t.md:1: a template must start with front matter"),
        ("", "t.md:1: a template must start"),
        ("---\ntitle = 'T'\n# body\n", "t.md:1: front matter is not closed"),
        ("---\ndescription = 'd'\ntitle = 5\n---\n", "t.md:3: front matter: "),
        ("---\ntitle = 'T'\n\nauthor = 'me'\n---\n", "t.md:4: front matter: unknown field `author`"),
        ("---\ntitle = { sv = 'T' }\n---\n", "t.md:2: front matter: "),
        ("---\ntitle = 'unterminated\n---\n", "t.md:2: front matter: "),
        (
            "---\ntitle = 'T'\n---\n\n```tile\nquery = 'q'\nvalue = 'v'\n",
            "t.md:5: code fence ````tile` is never closed",
        ),
        ("---\ntitle = 'T'\n---\ntext\n~~~sql\nselect 1\n```\n", "t.md:5: code fence `~~~sql` is never closed"),
    ];
    for (text, prefix) in cases {
        assert!(error(text).starts_with(prefix), "{:?} does not start with {prefix:?}", error(text));
    }
    assert!(error("---\ntitle = { sv = 'T' }\n---\n").contains("a string or a table { sv ="));
}

#[test]
fn toml_type_error_on_line_3_of_a_block_at_line_10() {
    let text = "---\ntitle = 'T'\n---\n# Heading\n\nText.\n```sql\nselect 1\n```\n\
                ```tile\nquery = 'q'\nmonths = 'twelve'\n```";
    assert_eq!(text.lines().nth(9), Some("```tile"));
    assert_eq!(error(text), "t.md:12: `tile` block: invalid type: string \"twelve\", expected u32");
}

#[test]
fn block_errors() {
    let cases = [
        ("bar", "query = 'q'\nx = [", "t.md:7: `bar` block: "),
        ("tile", "query = 'q'\nvalue = 'v'\ncolour = 'red'", "t.md:8: `tile` block: unknown field `colour`"),
        ("tile", "query = 'q'\nvalue = 'v'\nformat = 'pct'", "t.md:8: `tile` block: unknown variant `pct`"),
        ("tile", "value = 'v'", "t.md:5: a `tile` block needs a non-empty `query`"),
        ("tile", "query = 'q'\ntarget = 't'", "t.md:5: a `tile` block needs `value`"),
        ("line", "query = 'q'", "t.md:5: a `line` block needs at least one `y` column"),
        ("line", "query = 'q'\ny = []", "t.md:7: a `line` block needs at least one `y` column"),
        ("bar", "query = 'q'\ny = ['a']", "t.md:5: a `bar` block needs `x`"),
        ("bar", "query = 'q'\nx = 'team'", "t.md:5: a `bar` block needs at least one `y` column"),
        (
            "stacked",
            "query = 'q'\nx = 'm'\ny = ['a', 'b']\nstack = 'p'",
            "t.md:8: a `stacked` block needs exactly one `y`",
        ),
        ("stacked", "query = 'q'\nx = 'm'\ny = ['n']", "t.md:5: a `stacked` block needs `stack`"),
        ("stacked", "query = 'q'\ny = ['n']\nstack = 'p'", "t.md:5: a `stacked` block needs `x`"),
        ("table", "query = 'q'", "t.md:5: a `table` block needs `columns`"),
        (
            "table",
            "query = 'q'\ncolumns = ['a', 'b']\npersonal = ['a', 'c']",
            "t.md:8: `personal` names `c`, which is not in",
        ),
        (
            "table",
            "query = 'q'\ncolumns = ['a']\n\n[formats]\na = 'integer'\nb = 'percent'",
            "t.md:11: `formats` names `b`",
        ),
        ("table", "query = 'q'\ncolumns = ['a']\nlabels = { b = 'B' }", "t.md:8: `labels` names `b`"),
        ("table", "query = 'q'\ncolumns = ['a']\norder_by = 'a down'", "t.md:8: `order_by` must be"),
        ("table", "query = 'q'\ncolumns = ['a']\nlimit = 0", "t.md:8: `limit` must be at least 1"),
        ("table", "query = 'q'\ncolumns = ['a']\nvalues = { b = { x = 'X' } }", "t.md:8: `values` names `b`"),
        ("table", "query = 'q'\ncolumns = ['a']\nbelow = { b = '{a}' }", "t.md:8: `below` names `b`"),
        ("table", "query = 'q'\ncolumns = ['a']\nformats = { c = 'integer' }", "t.md:8: `formats` names `c`"),
        ("bar", "query = 'q'\nx = 't'\ny = ['a']\ninline = true", "t.md:9: `inline` does not apply to a `bar`"),
        (
            "table",
            "query = 'q'\ncolumns = ['a']\ncolours = { a = '#fff' }",
            "t.md:8: `colours` names `a`, which is not a part",
        ),
        (
            "table",
            "query = 'q'\ncolumns = ['a']\nbars = { a = ['p'] }\ncolours = { p = 'red\" onload=\"x' }",
            "t.md:9: colour `red\" onload=\"x` must be",
        ),
        (
            "table",
            "query = 'q'\ncolumns = ['a']\nlegend = [{ colour = '#12', label = 'x' }]",
            "t.md:8: colour `#12` must be",
        ),
        ("line", "query = 'q'\ny = ['a']\nmonths = 0", "t.md:8: `months` must be 1–36, not 0"),
        ("tile", "query = 'q'\nvalue = 'v'\nmonths = 37", "t.md:8: `months` must be 1–36, not 37"),
        ("tile", "query = 'q'\nvalue = 'v'\nlimit = 5", "t.md:8: `limit` does not apply to a `tile` block"),
        ("bar", "query = 'q'\nx = 't'\ny = ['a']\ncolumns = ['a']", "t.md:9: `columns` does not apply to a `bar`"),
        ("tile", "query = 'q'\nvalue = 'v'\n[filter]\nteam = ['a']", "t.md:9: filter `team` must be a string"),
    ];
    for (kind, body, prefix) in cases {
        let e = error(&block(kind, body));
        assert!(e.starts_with(prefix), "{kind}: {e:?} does not start with {prefix:?}");
    }
    for months in [1, 36] {
        assert!(parse_template("t.md", &block("tile", &format!("query = 'q'\nvalue = 'v'\nmonths = {months}"))).is_ok());
    }
}

#[test]
fn references_list_every_named_column() {
    let text = r#"---
title = "T"
---
```line
query = "kpi_sla_by_month"
y = ["compliance"]
target = "target"
filter = { priority = "P1", major = true }
series_labels = { compliance = "SLA" }
```
```stacked
query = "kpi_volume_by_month"
x = "month"
y = ["tickets"]
stack = "kind"
all_months = true
```
```table
query = "kpi_problem_candidate"
columns = ["ci", "category", "incidents", "owner"]
personal = ["owner"]
formats = { incidents = "integer" }
labels = { ci = "CI", category = { sv = "Kategori", en = "Category" } }
order_by = "incidents desc"
limit = 10
filter = { open = 1 }
```
"#;
    let t = parse_template("t.md", text).expect("parses");
    let refs = |line: usize, query: &str, columns: &[&str]| {
        columns.iter().map(|c| (line, query.to_string(), c.to_string())).collect::<Vec<_>>()
    };
    let mut expected = refs(4, "kpi_sla_by_month", &["target", "month", "compliance", "major", "priority"]);
    expected.extend(refs(11, "kpi_volume_by_month", &["month", "tickets", "kind"]));
    expected.extend(refs(18, "kpi_problem_candidate", &["ci", "category", "incidents", "owner", "open"]));
    assert_eq!(t.references(), expected);
    let table = figures(&t)[2];
    assert_eq!((table.spec.order(), table.x_column()), (Some(("incidents", true)), None));
    assert_eq!(table.spec.labels["category"].get(Lang::En), "Category");
}

#[test]
fn table_patterns_name_columns_and_page_variables() {
    let body = "query = 'q'\ncolumns = ['kind', 'amount']\nformats = { amount = 'decimal', w = 'decimal' }\n\
                values = { kind = { work = { sv = 'Arbete ({team})', en = 'Work ({team})' }, '*' = '{kind}' } }\n\
                subheads = { amount = 'w {w}' }\nbelow = { amount = '{amount} {currency}' }\ninline = true";
    let t = parse_template("t.md", &block("table", body)).expect("parses");
    let spec = &figures(&t)[0].spec;
    assert_eq!(spec.placeholders(), ["amount", "currency", "kind", "team", "w"]);
    assert_eq!(spec.values["kind"]["work"].get(Lang::En), "Work ({team})");
    assert!(spec.inline);
    assert_eq!(placeholders("{a} and {b} and {c"), ["a", "b"]);
    let refs: Vec<String> = t.references().into_iter().map(|(_, _, c)| c).collect();
    assert_eq!(refs, ["kind", "amount", "w"]);
}

#[test]
fn bar_parts_may_have_labels_formats_and_colours() {
    let body = "query = 'q'\ncolumns = ['id', 'score']\nbars = { score = ['p_a', 'p_b'] }\n\
                labels = { p_a = 'A' }\nformats = { p_b = 'decimal' }\ncolours = { p_a = '#1f5f8b', p_b = '#abc' }\n\
                legend = [{ colour = '#1f5f8b', label = { sv = 'Samverkan', en = 'Cooperation' } }]";
    let t = parse_template("t.md", &block("table", body)).expect("parses");
    let spec = &figures(&t)[0].spec;
    assert_eq!(spec.bars["score"], ["p_a", "p_b"]);
    assert_eq!(spec.legend[0].label.get(Lang::En), "Cooperation");
    let refs: Vec<String> = t.references().into_iter().map(|(_, _, c)| c).collect();
    assert_eq!(refs, ["id", "score", "p_b", "p_a"]);
    assert!(is_colour("#ABCDEF") && !is_colour("#abcd") && !is_colour("abc") && !is_colour("#ggg"));
}

#[test]
fn a_pivot_names_its_key_and_value_columns() {
    let body = "query = 'q'\ncolumns = ['id']\npivot = { columns = ['term', 'change'], value = 'rank' }\n\
                formats = { rank = 'integer' }\nvalues = { term = { a = 'A' } }";
    let t = parse_template("t.md", &block("table", body)).expect("parses");
    let refs: Vec<String> = t.references().into_iter().map(|(_, _, c)| c).collect();
    assert_eq!(refs, ["id", "rank", "term", "change"]);
    let e = error(&block("table", "query = 'q'\ncolumns = ['id']\npivot = { columns = ['t'] }"));
    assert!(e.starts_with("t.md:") && e.contains("missing field `value`"), "{e}");
    let e = error(&block("line", "query = 'q'\ny = ['a']\npivot = { columns = ['t'], value = 'v' }"));
    assert!(e.starts_with("t.md:8: `pivot` does not apply to a `line` block"), "{e}");
}

#[test]
fn localizing() {
    assert_eq!(localize("## [[Översikt|Overview]]\n", Lang::Sv), "## Översikt\n");
    assert_eq!(localize("## [[Översikt|Overview]]\n", Lang::En), "## Overview\n");
    let text = "Andel [[ärenden|tickets]] per [[månad|month]].\r\n";
    assert_eq!(localize(text, Lang::Sv), "Andel ärenden per månad.\r\n");
    assert_eq!(localize(text, Lang::En), "Andel tickets per month.\r\n");
    let kept = "[[no pipe]] [[a|b|c]] [[open|pair\nline]] `x`\n```\n[[kod|code]]\n```\n[[[x|y]]";
    assert_eq!(localize(kept, Lang::En), "[[no pipe]] [[a|b|c]] [[open|pair\nline]] `x`\n```\n[[kod|code]]\n```\n[y");
    assert_eq!(localize("| [[Grupp|Team]] | [[|only English]] |", Lang::Sv), "| Grupp |  |");
}
