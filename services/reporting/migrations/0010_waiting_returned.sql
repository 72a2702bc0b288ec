-- A family offered a place that it does not answer is back on the waiting list when the offer
-- lapses (scheduling, docs/decisions.md 177). No event says so: the lapse is a time the offer
-- carries (PlaceOffered's lapses_at). Reporting keeps the return as a row of its own, returned,
-- from the lapse, voided (left when it joined) if the family joins, leaves or is offered a place
-- before it (docs/decisions.md 186). A return is not a family joining the list, so it is marked.
-- Live tables gain the column with no returns in them: the lapses of offers made before are
-- counted once the projections are rebuilt (`familytime reporting rebuild`, docs/runbook.md).

ALTER TABLE reporting.waiting ADD COLUMN returned boolean NOT NULL DEFAULT false;

-- Rebuilt schemas have the same column, last as in the live table.
ALTER FUNCTION reporting_create_projections(text) RENAME TO reporting_create_projections_without_returns;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projections_without_returns(target);
    EXECUTE format('ALTER TABLE %I.waiting ADD COLUMN returned boolean NOT NULL DEFAULT false', target);
END;
$fn$;

REVOKE ALL ON FUNCTION reporting_create_projections(text) FROM PUBLIC;
