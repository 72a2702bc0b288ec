-- A child is known to the figures by the person id their referral gave them; a child referred
-- again has a new id on each referral. A person confirms that two referrals' children are one
-- child (referral's SameChildConfirmed, docs/decisions.md 260), and the distinct-children figures
-- count every id of a linked group as one (app.canonicalChildren, at the time of counting). One
-- row per confirmation, by the two ids: ids only. No secondary index: confirmations are few, and
-- the figures read them all.

CREATE TABLE reporting.same_children (
    child_id       uuid NOT NULL,
    other_child_id uuid NOT NULL,
    confirmed_on   date,
    PRIMARY KEY (child_id, other_child_id)
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON reporting.same_children TO %I', current_setting('familytime.runtime_role'));
END;
$$;

-- Rebuilt schemas have the same table (reporting_begin_rebuild grants it with the others).
ALTER FUNCTION reporting_create_projections(text) RENAME TO reporting_create_projections_without_same_children;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projections_without_same_children(target);
    EXECUTE format($ddl$
    -- Each confirmation that two person ids are one child (referral's SameChildConfirmed).
    CREATE TABLE %1$I.same_children (
        child_id       uuid NOT NULL,
        other_child_id uuid NOT NULL,
        confirmed_on   date,
        PRIMARY KEY (child_id, other_child_id)
    );
    $ddl$, target);
END;
$fn$;

REVOKE ALL ON FUNCTION reporting_create_projections(text) FROM PUBLIC;
