-- A family is not erased while one of its supervised sessions' observation reports is not released
-- (hostile review 16): a report due, drafted, waiting for its check or approved goes to the court
-- and the family's distribution list only once released, and erasing the family before then
-- destroyed it. Referral's safeguarding consumer keeps them in safeguarding_open beside the open
-- concerns and holds in force, ids only: a row of kind 'report' is inserted on ReportDue and
-- deleted on ReportReleased. Reports due before this migration are not here until the consumer
-- replays them (decision 86 says how).
ALTER TABLE safeguarding_open DROP CONSTRAINT safeguarding_open_kind_check;
ALTER TABLE safeguarding_open ADD CONSTRAINT safeguarding_open_kind_check CHECK (kind IN ('concern', 'hold', 'report'));
