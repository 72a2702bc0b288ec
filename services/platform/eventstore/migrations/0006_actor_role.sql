-- The role an event's actor acted in (a coordinator, a volunteer...), beside the actor's account
-- id (docs/decisions.md 83): a family's history says who did what by role, never by name, and an
-- account id is no role. Events recorded before have none (NULL); the hash chain covers the role
-- only when there is one, so their chains verify as before.
ALTER TABLE events ADD COLUMN actor_role text;

DO $$
BEGIN
    EXECUTE format('GRANT INSERT (actor_role) ON events TO %I', current_setting('familytime.runtime_role'));
END;
$$;
