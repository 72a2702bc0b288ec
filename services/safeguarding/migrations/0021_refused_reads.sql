-- A refused read of a family's safeguarding text is on its audit, beside the reads given (review
-- 48, decision 297): refused is the refusal's reason code, '' for a read given; asked_centre_id is
-- the centre the refused request named, when it is not the record's. A refused read keeps no
-- purpose (sealed_purpose is empty). The reads a lead's alert and a report's writer count
-- (lead_read_at, ReadSince) are the reads given alone.
ALTER TABLE access_records ADD COLUMN refused text NOT NULL DEFAULT '';
ALTER TABLE access_records ADD COLUMN asked_centre_id uuid;
