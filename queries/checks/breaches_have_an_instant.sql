-- Breached tickets without a breach instant inside their life. (A breach team may be
-- unknown: a ticket no team ever held, in a flat export; the data-quality model counts them.)
SELECT source, ticket_id, outcome, opened_at, resolved_at, breach_at, breach_team
FROM fct_ticket_sla
WHERE outcome IN ('breached', 'breached_open')
  AND (
      breach_at IS NULL
      OR breach_at < opened_at
      OR breach_at >= coalesce(resolved_at, (SELECT as_of FROM cfg_build))
  )
