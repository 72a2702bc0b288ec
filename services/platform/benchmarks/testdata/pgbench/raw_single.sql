\set s random(1, 1024)
INSERT INTO raw_events (stream_id, event_id, payload) VALUES ('family-' || :s, gen_random_uuid(), decode(repeat('ab', 256), 'hex'));
