-- grain: one row per local month and billed customer with the distinct requesters of its own tickets opened in the month
--
-- How many of the customer's users contacted the service desk in the month: a
-- requester-level fact, which the customer report suppresses below [customer_report]
-- min_count. Shared tickets are left out: their requesters belong to every customer.
SELECT
    opened_month AS month,
    customer,
    count(DISTINCT requester) AS requesters,
    count(*) AS tickets
FROM kpi_customer_ticket
WHERE scope = 'own'
GROUP BY opened_month, customer
