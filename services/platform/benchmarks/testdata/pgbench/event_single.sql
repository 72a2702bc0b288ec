\set s random(1, 100000000)
INSERT INTO events (stream_id, version, event_id, event_type, schema_version, family_id, centre_id, payload, actor, correlation_id, recorded_at, previous_hash, hash)
VALUES ('family-' || :s, 1, ('00000000-0000-7000-8000-' || lpad(to_hex(nextval('ordered_ids')),12,'0'))::uuid, 'familytime.testing.v1.CounterIncremented', 1, gen_random_uuid(), '11111111-1111-1111-1111-111111111111', decode(repeat('ab', 256), 'hex'), 'account-0042', '22222222-1111-1111-1111-111111111111', now(), decode(repeat('cd', 32), 'hex'), decode(repeat('ef', 32), 'hex'))
RETURNING position, tx_id, event_id;
