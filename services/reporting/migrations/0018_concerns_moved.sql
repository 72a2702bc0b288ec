-- A concern raised about the wrong family and moved by the safeguarding lead to the family it is
-- about (safeguarding's ConcernMoved, docs/decisions.md 404) counts once: as the concern raised
-- about the right family. The first stays a row of the first family (its history names it, and
-- VerifyFamilyHistory checks each row is named by an event), marked moved, and the figures leave it
-- out. Marked, not deleted: the runtime role deletes nothing from the projections (0002).

ALTER TABLE reporting.concerns ADD COLUMN moved boolean NOT NULL DEFAULT false;

-- Rebuilt schemas have the same columns (their grants are reporting_begin_rebuild's, as before).
ALTER FUNCTION reporting_create_projections(text) RENAME TO reporting_create_projections_without_concerns_moved;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projections_without_concerns_moved(target);
    EXECUTE format($ddl$
    ALTER TABLE %1$I.concerns ADD COLUMN moved boolean NOT NULL DEFAULT false;
    $ddl$, target);
END;
$fn$;

REVOKE ALL ON FUNCTION reporting_create_projections(text) FROM PUBLIC;
