-- grain: one row per vendor, local month and holding-time band: how many decided holdings took that long on the UC clock
--
-- The holding-time distribution of the supplier follow-up (kpi_vendor_holding's rows
-- banded by running_minutes, business minutes of the vendor's calendar): bands 0–4 h,
-- 4–8 h, 8–24 h, 1–3 days (24–72 h), over 3 days; band_order sorts them. Every band of
-- every vendor and month with holdings is present (0 when empty).
WITH bands AS (
    SELECT * FROM (VALUES
        (1, '0-4h', 0.0, 240.0),
        (2, '4-8h', 240.0, 480.0),
        (3, '8-24h', 480.0, 1440.0),
        (4, '1-3d', 1440.0, 4320.0),
        (5, '>3d', 4320.0, NULL)
    ) AS b (band_order, band, from_minutes, to_minutes)
),

keys AS (
    SELECT DISTINCT vendor, month FROM kpi_vendor_holding
)

SELECT
    k.vendor,
    k.month,
    b.band_order,
    b.band,
    count(h.ticket_id) AS holdings
FROM keys AS k
CROSS JOIN bands AS b
LEFT JOIN kpi_vendor_holding AS h
    ON h.vendor = k.vendor AND h.month = k.month
    AND h.running_minutes >= b.from_minutes AND (b.to_minutes IS NULL OR h.running_minutes < b.to_minutes)
GROUP BY k.vendor, k.month, b.band_order, b.band
