-- grain: one row per ingest batch (one file loaded in one transaction)
--
-- The batches as staging has them; a mart so the KPI layer can list the loads.
SELECT *
FROM stg_ingest_batch
