-- grain: one row per local month, billed customer and scope with open incidents and requests at the month end
--
-- The customer's backlog and its age (buckets of kpi_backlog_by_month: under 3 days,
-- 3-7, 8-30, over 30), counted from kpi_customer_backlog_ticket; oldest_days is the age
-- of the oldest open ticket.
SELECT
    month,
    customer,
    scope,
    count(*) AS backlog,
    count(*) FILTER (WHERE age_days < 3) AS age_0_2,
    count(*) FILTER (WHERE age_days >= 3 AND age_days <= 7) AS age_3_7,
    count(*) FILTER (WHERE age_days >= 8 AND age_days <= 30) AS age_8_30,
    count(*) FILTER (WHERE age_days > 30) AS age_over_30,
    max(age_days) AS oldest_days
FROM kpi_customer_backlog_ticket
GROUP BY month, customer, scope
