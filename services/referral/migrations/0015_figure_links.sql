-- The links for the figures (ChildMatchedForFigures, docs/decisions.md 411) as they stand, by the
-- link, with both referrals and both children: ids only. A correction that gives either child
-- another name or date of birth, or takes the child off its referral, withdraws the link
-- (ChildUnmatchedForFigures, decision 413) and dates withdrawn_on; its query finds a referral's
-- standing links by either side. A family's erasure keeps its rows: ids are not personal data,
-- and the child was the same child when linked.
CREATE TABLE figure_links (
    link_id           uuid PRIMARY KEY,
    referral_id       uuid NOT NULL,
    child_id          uuid NOT NULL,
    other_referral_id uuid NOT NULL,
    other_child_id    uuid NOT NULL,
    withdrawn_on      date
);
CREATE INDEX figure_links_standing ON figure_links (referral_id) WHERE withdrawn_on IS NULL;
CREATE INDEX figure_links_standing_other ON figure_links (other_referral_id) WHERE withdrawn_on IS NULL;

-- The links recorded before this table are read from the log at the service's start
-- (adapters.Referrals.CompleteFigureLinks), which then deletes this row.
CREATE TABLE figure_links_to_complete (pending boolean PRIMARY KEY CHECK (pending));
INSERT INTO figure_links_to_complete VALUES (true);

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('REVOKE ALL ON figure_links, figure_links_to_complete FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON figure_links TO %I', runtime);
    EXECUTE format('GRANT SELECT, DELETE ON figure_links_to_complete TO %I', runtime);
END;
$$;
