-- A concern raised about the wrong family and moved by the safeguarding lead to the family it is
-- about (safeguarding's ConcernMoved, docs/decisions.md 404) is no concern of the first family's on
-- record: their request to erase is not refused for it. Marked, never deleted (0012): the runtime
-- role may set this one column.
ALTER TABLE safeguarding_concerns ADD COLUMN moved boolean NOT NULL DEFAULT false;

DO $$
BEGIN
    EXECUTE format('GRANT UPDATE (moved) ON safeguarding_concerns TO %I', current_setting('familytime.runtime_role'));
END;
$$;
