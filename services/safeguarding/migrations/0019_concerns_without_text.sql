-- A concern raised after the family's personal data was erased (its key destroyed) is recorded
-- without its description (ConcernRaised.text_not_kept, review 38): the lead's alert says so, so
-- that the lead takes the account from the raiser in person. Existing alerts kept their text.
ALTER TABLE lead_alerts ADD COLUMN text_not_kept boolean NOT NULL DEFAULT false;
