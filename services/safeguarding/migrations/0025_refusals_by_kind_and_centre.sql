-- Review 85 (decision 412). A refused read repeated was counted on the first refusal's entry of
-- the account, family, reason and day, whatever was asked for: a refused whole safeguarding record
-- was shown as more refusals of the report first asked for. The kind of record asked for is now
-- part of the key (three kinds: bounded, as the reasons are). Rows made before have kind 0: they
-- were counted as the entry they are on says.
ALTER TABLE refused_read_tallies ADD COLUMN kind integer NOT NULL DEFAULT 0;
ALTER TABLE refused_read_tallies ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE refused_read_tallies DROP CONSTRAINT refused_read_tallies_pkey;
ALTER TABLE refused_read_tallies ADD PRIMARY KEY (subject, refused_on, family_id, reason, kind);
-- The account's daily limit of families is counted at each family's centre: an account past it at
-- one centre is shown at the next centre it probes too (RefusalDayOf reads one centre's rows).
CREATE INDEX refused_read_tallies_by_centre ON refused_read_tallies (subject, refused_on, centre_id);
