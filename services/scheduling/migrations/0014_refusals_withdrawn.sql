-- Refusals at the door withdrawn as recorded by mistake (CheckInRefusalWithdrawn, review 51): the
-- day sheet says how many, and refused_check_ins counts only those standing.
ALTER TABLE bookings ADD COLUMN refusals_withdrawn integer NOT NULL DEFAULT 0;
