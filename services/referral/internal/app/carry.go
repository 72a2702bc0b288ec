package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/adapters"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// carriedBy is the actor of what a disclosure records on other referrals: the service, as for a
// reaction, never the account of another centre's staff or referrer.
const carriedBy = "service:referral"

// carryToOpenCases carries a disclosure of domestic abuse made on r itself (its answers at
// submission, the second parent's application or an amendment: domain.Referral.DisclosureStands),
// or a domestic-abuse finding on r just recorded (found: a screening's, or the lead's risk
// assessment's noted by App.RiskAssessed), to every open referral of a matching child (matches,
// keyed hashes as decisions 173 and 200 match them), at any centre, earlier ones too, adding to
// uow what each records: a PossibleDuplicateFlagged with domestic_abuse_disclosed naming r, as an
// amendment carrying a disclosure to a ready case records it (decision 225). Scheduling then
// stops that case's contact other than supervised until the lead's risk assessment, and
// safeguarding puts the family before its lead. Review 38 (finding 2) referred a child in supported contact at one centre to another,
// disclosing abuse: decision 194 carried a disclosure to later referrals only, and the first
// case's contact went on. A case already told records nothing (Referral.NoteEarlierDisclosure); a
// disclosure carried to r is not carried on (decision 197). Each case is appended at the version
// read, so a change to it meanwhile fails the unit with the store's conflict, and nothing is
// written.
func (a *App) carryToOpenCases(ctx context.Context, uow *eventstore.UnitOfWork, r *domain.Referral,
	matches map[uuid.UUID][]adapters.Match, found bool, today time.Time, md eventstore.Metadata) error {
	if uow == nil || !(found || r.DisclosureStands()) {
		return nil
	}
	carried := map[uuid.UUID]bool{}
	for _, c := range r.Children() {
		open, err := a.referrals.OpenChildrenMatching(ctx, matches[c.ID], r.ID())
		if err != nil {
			return err
		}
		for _, m := range open {
			if carried[m.Other] {
				continue
			}
			carried[m.Other] = true
			o, err := a.referrals.Load(ctx, m.Other)
			if err != nil {
				return err
			}
			if !adapters.Open(o.State()) {
				continue
			}
			version := o.Version()
			note := o.NoteEarlierDisclosure
			if found {
				note = o.NoteFindingElsewhere // news even to a case told of r's disclosure
			}
			events, err := note(m.Child, r.ID(), m.Match, today)
			var rule *problem.RuleError
			if errors.As(err, &rule) {
				continue
			}
			if err != nil {
				return err
			}
			if len(events) == 0 {
				continue
			}
			work, err := a.referrals.Record(ctx, o, version, events, eventstore.Metadata{Actor: carriedBy,
				CorrelationID: md.CorrelationID, RequestID: md.RequestID})
			if err != nil {
				return err
			}
			uow.Merge(work)
		}
	}
	return nil
}
