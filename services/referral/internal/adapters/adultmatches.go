package adapters

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// Possibly the same adult (decision 350): an adult is matched on keyed hashes (seal.MatchingHash,
// under the key children are matched with) of their normalised phone number and email address
// (domain.AdultMatchKeys), never on the number or address in clear, and only with the open
// referrals of other families at the same centre.

// An AdultMatch is one of an adult's keyed hashes.
type AdultMatch struct {
	Person uuid.UUID
	Kind   domain.AdultMatchKind
	Hash   []byte
}

// AdultMatches are the keyed hashes of the referral's adults; none for an adult without a phone
// or email, and none once the family's details are erased.
func (r *Referrals) AdultMatches(ctx context.Context, ref *domain.Referral) ([]AdultMatch, error) {
	keys := domain.AdultMatchKeys(ref.Adults())
	if len(keys) == 0 {
		return nil, nil
	}
	inputs := make([][]byte, len(keys))
	for i, k := range keys {
		inputs[i] = k.Input
	}
	hashes, err := r.sealer.MatchingHashes(ctx, inputs...)
	if err != nil {
		return nil, fmt.Errorf("match adults: %w", err)
	}
	out := make([]AdultMatch, len(keys))
	for i, k := range keys {
		out[i] = AdultMatch{k.Person, k.Kind, hashes[i]}
	}
	return out, nil
}

// SameAdult is an open referral of another family at the centre with an adult whose phone or
// email is the same as Person's, an adult on the referral it was found for.
type SameAdult struct {
	Referral, Family, Person uuid.UUID
	Phone, Email             bool
}

// sameAdultRow reads a row of (other referral, its family, the adult on this one, phone, email).
func sameAdultRow(row pgx.CollectableRow) (SameAdult, error) {
	var s SameAdult
	err := row.Scan(&s.Referral, &s.Family, &s.Person, &s.Phone, &s.Email)
	return s, err
}

// SameAdultsAt are the open referrals at centre of families other than family, other than
// referral, with an adult matching one of matches: what a submission, a second parent's
// application or an amendment of referral finds before its own matches are committed.
func (r *Referrals) SameAdultsAt(ctx context.Context, centre, family, referral uuid.UUID, matches []AdultMatch) ([]SameAdult, error) {
	if len(matches) == 0 {
		return nil, nil
	}
	people, kinds, hashes := make([]uuid.UUID, len(matches)), make([]int16, len(matches)), make([][]byte, len(matches))
	for i, m := range matches {
		people[i], kinds[i], hashes[i] = m.Person, int16(m.Kind), m.Hash
	}
	rows, err := r.store.Pool().Query(ctx, `SELECT theirs.referral_id, theirs.family_id, mine.person, bool_or(mine.kind = 1), bool_or(mine.kind = 2)
		FROM unnest($4::uuid[], $5::smallint[], $6::bytea[]) AS mine(person, kind, match)
		JOIN adult_matches theirs ON theirs.centre_id = $1 AND theirs.match = mine.match AND theirs.kind = mine.kind AND theirs.open
			AND theirs.family_id <> $2 AND theirs.referral_id <> $3
		GROUP BY theirs.referral_id, theirs.family_id, mine.person ORDER BY theirs.referral_id, mine.person`,
		centre, family, referral, people, kinds, hashes)
	if err != nil {
		return nil, fmt.Errorf("find the same adult at the centre: %w", err)
	}
	return pgx.CollectRows(rows, sameAdultRow)
}

// SameAdultsOf are, for an open referral, the open referrals of other families at its centre with
// an adult matching one of its adults as recorded: read as the matches stand, so a referral
// closed, or a family erased, since is not listed. None for a closed referral, or one erased.
func (r *Referrals) SameAdultsOf(ctx context.Context, referral uuid.UUID) ([]SameAdult, error) {
	rows, err := r.store.Pool().Query(ctx, `SELECT theirs.referral_id, theirs.family_id, mine.person_id, bool_or(mine.kind = 1), bool_or(mine.kind = 2)
		FROM adult_matches mine
		JOIN adult_matches theirs ON theirs.centre_id = mine.centre_id AND theirs.match = mine.match AND theirs.kind = mine.kind
			AND theirs.open AND theirs.family_id <> mine.family_id AND theirs.referral_id <> mine.referral_id
		WHERE mine.referral_id = $1 AND mine.open
		GROUP BY theirs.referral_id, theirs.family_id, mine.person_id ORDER BY theirs.referral_id, mine.person_id`, referral)
	if err != nil {
		return nil, fmt.Errorf("find the same adult at the centre: %w", err)
	}
	return pgx.CollectRows(rows, sameAdultRow)
}

// RecordAdultMatches replaces the keyed hashes of the referral's adults with matches, in a unit of
// work; matches are computed while the details are open (AdultMatches). An adult whose phone and
// email are taken off keeps none. An erased family's referral records nothing: its rows are
// erasure's to forget (ForgetMatches). Record keeps the rows' open as the referral's state says.
func RecordAdultMatches(uow *eventstore.UnitOfWork, ref *domain.Referral, matches []AdultMatch) {
	if _, erased := ref.ErasedOn(); erased {
		return
	}
	uow.Exec(`DELETE FROM adult_matches WHERE referral_id = $1`, ref.ID())
	if len(matches) == 0 {
		return
	}
	people, kinds, hashes := make([]uuid.UUID, len(matches)), make([]int16, len(matches)), make([][]byte, len(matches))
	for i, m := range matches {
		people[i], kinds[i], hashes[i] = m.Person, int16(m.Kind), m.Hash
	}
	uow.Exec(`INSERT INTO adult_matches (referral_id, person_id, family_id, centre_id, kind, match, open)
		SELECT $1, person, $2, $3, kind, match, $7 FROM unnest($4::uuid[], $5::smallint[], $6::bytea[]) AS m(person, kind, match)
		ON CONFLICT DO NOTHING`,
		ref.ID(), ref.FamilyID(), ref.CentreID(), people, kinds, hashes, Open(ref.State()))
}

// CompleteAdultMatches gives the adults of referrals made before decision 350 their keyed hashes,
// as submission now records them: the rows migration 0013 listed in adult_matches_to_complete,
// which only the service can compute, opening each referral's contact details. It runs before the
// service serves (host.Preparer), one referral per unit of work, so a start cut short resumes
// where it stopped, and returns how many it completed.
func (r *Referrals) CompleteAdultMatches(ctx context.Context) (int, error) {
	return r.completeEach(ctx, "adult_matches_to_complete", "adult matches", func(uow *eventstore.UnitOfWork, ref *domain.Referral) error {
		matches, err := r.AdultMatches(ctx, ref)
		if err != nil {
			return err
		}
		RecordAdultMatches(uow, ref, matches)
		return nil
	})
}
