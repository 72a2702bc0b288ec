-- When referral recorded the disclosure waiting for the lead (DisclosureNoted.flagged_at), beside
-- its day: a risk assessment recorded at or after it clears it, on the same day too (decision 249,
-- weighing.Weighs). NULL for a disclosure noted before instants were kept, which an assessment dated
-- on or after disclosure_flagged_on clears, as before.
ALTER TABLE session_families ADD COLUMN disclosure_flagged_at timestamptz;
