-- A link for the figures (referral's ChildMatchedForFigures, decision 411) is withdrawn when a
-- correction leaves the two children no longer exactly alike (ChildUnmatchedForFigures, decision
-- 413): the national figures count the two person ids apart again. The withdrawal names the link
-- only, so the links are kept by their own id here, with the day each was withdrawn (ids and dates
-- only), and app.canonicalChildren reads the links that stand beside the confirmations of
-- same_children. Marked, not deleted: the runtime role deletes nothing from the projections (0002).
-- No secondary index, as 0011: links are few, and the figures read them all.
--
-- A link projected before this is a row of same_children, where no withdrawal can find it, until
-- `familytime reporting rebuild` writes it here from the events (docs/runbook.md).

CREATE TABLE reporting.figure_links (
    link_id           uuid PRIMARY KEY,
    child_id          uuid NOT NULL,
    other_child_id    uuid NOT NULL,
    matched_on        date,
    referral_id       uuid,
    other_referral_id uuid,
    withdrawn_on      date
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON reporting.figure_links TO %I', current_setting('familytime.runtime_role'));
END;
$$;

-- Rebuilt schemas have the same table (reporting_begin_rebuild grants it with the others).
ALTER FUNCTION reporting_create_projections(text) RENAME TO reporting_create_projections_without_figure_links;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projections_without_figure_links(target);
    EXECUTE format($ddl$
    -- Each link for the figures (referral's ChildMatchedForFigures), and its withdrawal.
    CREATE TABLE %1$I.figure_links (
        link_id           uuid PRIMARY KEY,
        child_id          uuid NOT NULL,
        other_child_id    uuid NOT NULL,
        matched_on        date,
        referral_id       uuid,
        other_referral_id uuid,
        withdrawn_on      date
    );
    $ddl$, target);
END;
$fn$;

REVOKE ALL ON FUNCTION reporting_create_projections(text) FROM PUBLIC;
