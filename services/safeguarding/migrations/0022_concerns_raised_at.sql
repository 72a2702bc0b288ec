-- When a concern was raised, to the instant, and the booking it arose in (review 51): a raiser who
-- raises a concern about the same booking, or the same family, the same day as one of their own is
-- told of the earlier one (RaiseConcernResponse.repeat_warning). Concerns raised before this
-- migration keep both empty: they are older than any such day.
ALTER TABLE concerns ADD COLUMN booking_id uuid;
ALTER TABLE concerns ADD COLUMN raised_at timestamptz;
CREATE INDEX concerns_by_raiser ON concerns (centre_id, raised_by, family_id, raised_at) WHERE raised_at IS NOT NULL;
