//! Versioned schema migrations of the store. Each entry moves the schema from version
//! `n - 1` to `n`; they run in order inside one transaction when a file is opened. A
//! migration, once released, is never edited: a change is a new entry.

/// The migrations, index 0 = version 1.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7];

/// The schema version this build of the tool writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Version 1: the canonical model of DESIGN §3. Instants are TIMESTAMP holding UTC.
const V1: &str = r#"
CREATE TABLE ingest_batch (
    batch_id      BIGINT PRIMARY KEY,
    source        VARCHAR NOT NULL,
    profile       VARCHAR NOT NULL,
    file          VARCHAR NOT NULL,
    file_kind     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    bytes         BIGINT NOT NULL,
    encoding      VARCHAR NOT NULL,
    delimiter     VARCHAR NOT NULL,
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    rows_new      BIGINT NOT NULL,
    rows_updated  BIGINT NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP NOT NULL,
    tool_version  VARCHAR NOT NULL,
    CHECK (rows_read = rows_loaded + rows_rejected)
);

CREATE TABLE team (
    name     VARCHAR PRIMARY KEY,
    line     INTEGER CHECK (line IN (1, 2, 3)),
    customer VARCHAR
);

CREATE TABLE ticket (
    source             VARCHAR NOT NULL,
    ticket_id          VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    title              VARCHAR,
    customer           VARCHAR,
    service            VARCHAR,
    category           VARCHAR,
    ci                 VARCHAR,
    channel            VARCHAR,
    impact             VARCHAR,
    urgency            VARCHAR,
    priority           VARCHAR,
    status             VARCHAR NOT NULL,
    opened_at          TIMESTAMP NOT NULL,
    first_response_at  TIMESTAMP,
    resolved_at        TIMESTAMP,
    closed_at          TIMESTAMP,
    first_team         VARCHAR,
    resolved_by_team   VARCHAR,
    assigned_team      VARCHAR,
    reassignment_count INTEGER,
    reopen_count       INTEGER,
    problem_id         VARCHAR,
    change_id          VARCHAR,
    work_minutes       DOUBLE,
    billable           BOOLEAN,
    request_item       VARCHAR,
    requester          VARCHAR,
    updated_at         TIMESTAMP NOT NULL,
    batch_id           BIGINT NOT NULL
);

CREATE TABLE ticket_event (
    source      VARCHAR NOT NULL,
    ticket_id   VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    kind        VARCHAR NOT NULL,
    value       VARCHAR,
    agent       VARCHAR,
    minutes     DOUBLE,
    batch_id    BIGINT NOT NULL
);

CREATE TABLE rejected_row (
    batch_id    BIGINT NOT NULL,
    row_number  BIGINT NOT NULL,
    column_name VARCHAR,
    value       VARCHAR,
    reason      VARCHAR NOT NULL,
    raw         VARCHAR NOT NULL
);
"#;

/// Version 2: `ticket_event.seq`, the event's position in its source (the file's row
/// number, or the record's index in an API answer). Events at the same instant keep the
/// order they had in the source (DESIGN §5a.4): ordered by `occurred_at`, then `batch_id`,
/// then `seq`. Events stored before version 2 have no position (NULL).
const V2: &str = r#"
ALTER TABLE ticket_event ADD COLUMN seq BIGINT;
"#;

/// Version 3 (issue 12): `ingest_warning`, one row per value ingest set empty so that its
/// row could load (an unknown label, an unreadable date, …, and DST-gap times it shifted),
/// and what each batch did beyond rows read/loaded/rejected (NULL for batches loaded
/// before version 3); and ticket fields ServiceNow exports carry: the source's own SLA
/// verdict (`made_sla`), the close code, subcategory, location and the change that caused
/// the incident.
const V3: &str = r#"
CREATE TABLE ingest_warning (
    batch_id    BIGINT NOT NULL,
    row_number  BIGINT NOT NULL,
    column_name VARCHAR,
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);
ALTER TABLE ingest_batch ADD COLUMN warnings BIGINT;
ALTER TABLE ingest_batch ADD COLUMN tickets_in_file BIGINT;
ALTER TABLE ingest_batch ADD COLUMN tickets_stored BIGINT;
ALTER TABLE ingest_batch ADD COLUMN snapshots_superseded BIGINT;
ALTER TABLE ingest_batch ADD COLUMN events_staged BIGINT;
ALTER TABLE ingest_batch ADD COLUMN events_new BIGINT;
ALTER TABLE ingest_batch ADD COLUMN status_changes BIGINT;
ALTER TABLE ticket ADD COLUMN source_sla_met BOOLEAN;
ALTER TABLE ticket ADD COLUMN closed_code VARCHAR;
ALTER TABLE ticket ADD COLUMN subcategory VARCHAR;
ALTER TABLE ticket ADD COLUMN location VARCHAR;
ALTER TABLE ticket ADD COLUMN caused_by VARCHAR;
"#;

/// Version 4 (issue 16): the third-party cost of a ticket (DESIGN §7b), exact money in the
/// organisation's currency, which billing passes through to the customer. Tickets stored
/// before version 4 have no cost (NULL).
const V4: &str = r#"
ALTER TABLE ticket ADD COLUMN cost DECIMAL(18, 2);
"#;

/// Version 5 (issue 15): the source's own major-incident flag (`major`, `not_major`),
/// which makes an incident major beside the configured priority and impact (DESIGN §7a).
/// Tickets stored before version 5 have none (NULL).
const V5: &str = r#"
ALTER TABLE ticket ADD COLUMN major_incident VARCHAR;
"#;

/// The salt of the reports' pseudonyms, drawn at random once per database: before, it was
/// the content hash of the first loaded file, which `itsm export` writes (ingest_batch's
/// sha256) and anyone holding the file can compute, so pseudonyms could be reversed by
/// hashing a staff list. Never exported (`crate::export::select_tables` refuses it).
const V6: &str = r#"
CREATE TABLE store_secret (name VARCHAR PRIMARY KEY, secret VARCHAR NOT NULL);
INSERT INTO store_secret
SELECT 'pseudonym_salt', sha256(concat(gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), now(), random()));
"#;

/// Version 7: the sheet of a rejected row or warning. A workbook's sheets are one batch and
/// each counts its rows from its own header, so row 12 of 'Ärenden' and row 12 of 'Historik'
/// were one `row_number` of the batch: `kpi_ingest_warning` counted them as one row warned
/// and `first_row` did not say which sheet to open. NULL for CSV files, API fetches and rows
/// stored before version 7.
const V7: &str = r#"
ALTER TABLE rejected_row ADD COLUMN sheet VARCHAR;
ALTER TABLE ingest_warning ADD COLUMN sheet VARCHAR;
"#;
