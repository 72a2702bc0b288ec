package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
	"github.com/familytime/familytime/services/platform/problem"
	"github.com/familytime/familytime/services/referral/internal/domain"
)

// The state machine, whole: for every command (row) and state (column, in domain.States order:
// awaiting second party, received, screened, accepted, waitlisted, declined, withdrawn, ready for
// contact, in contact, suspended, ended), "ok" or the reason code of the refusal.
var matrix = map[domain.Command][11]string{
	domain.CmdSubmitSecondParty:      {"ok", "NOT_AWAITING_SECOND_PARTY", "NOT_AWAITING_SECOND_PARTY", "NOT_AWAITING_SECOND_PARTY", "NOT_AWAITING_SECOND_PARTY", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "NOT_AWAITING_SECOND_PARTY", "NOT_AWAITING_SECOND_PARTY", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdAmend:                  {"ok", "ok", "ok", "ok", "ok", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ok", "ok", "ok", "REFERRAL_CLOSED"},
	domain.CmdScreen:                 {"SECOND_PARTY_OUTSTANDING", "ok", "ok", "ALREADY_DECIDED", "ALREADY_DECIDED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ALREADY_DECIDED", "ALREADY_DECIDED", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdAccept:                 {"SECOND_PARTY_OUTSTANDING", "SCREENING_REQUIRED", "ok", "ALREADY_ACCEPTED", "ok", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ALREADY_ACCEPTED", "ALREADY_ACCEPTED", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdWaitlist:               {"SECOND_PARTY_OUTSTANDING", "SCREENING_REQUIRED", "ok", "ALREADY_ACCEPTED", "ALREADY_WAITLISTED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ALREADY_ACCEPTED", "ALREADY_ACCEPTED", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdDecline:                {"ok", "ok", "ok", "REFERRAL_ACCEPTED", "ok", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "CONTACT_ARRANGED", "CONTACT_ARRANGED", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdWithdraw:               {"ok", "ok", "ok", "ok", "ok", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ok", "CONTACT_STARTED", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdRecordPreVisit:         {"SECOND_PARTY_OUTSTANDING", "NOT_ACCEPTED", "NOT_ACCEPTED", "ok", "NOT_ACCEPTED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ALREADY_READY", "ALREADY_READY", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdAgreeArrangement:       {"SECOND_PARTY_OUTSTANDING", "NOT_ACCEPTED", "NOT_ACCEPTED", "ok", "NOT_ACCEPTED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ALREADY_READY", "ALREADY_READY", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdRecordSessionAttended:  {"NOT_READY_FOR_CONTACT", "NOT_READY_FOR_CONTACT", "NOT_READY_FOR_CONTACT", "NOT_READY_FOR_CONTACT", "NOT_READY_FOR_CONTACT", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ok", "ok", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdRecordReview:           {"CONTACT_NOT_STARTED", "CONTACT_NOT_STARTED", "CONTACT_NOT_STARTED", "CONTACT_NOT_STARTED", "CONTACT_NOT_STARTED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "CONTACT_NOT_STARTED", "ok", "ok", "REFERRAL_CLOSED"},
	domain.CmdEndCase:                {"CONTACT_NOT_ARRANGED", "CONTACT_NOT_ARRANGED", "CONTACT_NOT_ARRANGED", "CONTACT_NOT_ARRANGED", "CONTACT_NOT_ARRANGED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ok", "ok", "ok", "REFERRAL_CLOSED"},
	domain.CmdSuspend:                {"NOT_ACCEPTED", "NOT_ACCEPTED", "NOT_ACCEPTED", "ok", "NOT_ACCEPTED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ok", "ok", "ok", "REFERRAL_CLOSED"},
	domain.CmdResume:                 {"NOT_SUSPENDED", "NOT_SUSPENDED", "NOT_SUSPENDED", "NOT_SUSPENDED", "NOT_SUSPENDED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "NOT_SUSPENDED", "NOT_SUSPENDED", "ok", "REFERRAL_CLOSED"},
	domain.CmdReleasePlace:           {"NOT_READY_FOR_CONTACT", "NOT_READY_FOR_CONTACT", "NOT_READY_FOR_CONTACT", "NOT_READY_FOR_CONTACT", "NOT_READY_FOR_CONTACT", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ok", "ok", "ok", "REFERRAL_CLOSED"},
	domain.CmdFlagPossibleDuplicate:  {"ok", "ok", "ok", "ok", "ok", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ok", "ok", "ok", "REFERRAL_CLOSED"},
	domain.CmdCheckPossibleDuplicate: {"ok", "ok", "ok", "ALREADY_ACCEPTED", "ok", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ALREADY_ACCEPTED", "ALREADY_ACCEPTED", "CASE_SUSPENDED", "REFERRAL_CLOSED"},
	domain.CmdChangeArrangement:      {"SECOND_PARTY_OUTSTANDING", "NOT_ACCEPTED", "NOT_ACCEPTED", "NOT_READY_FOR_CONTACT", "NOT_ACCEPTED", "REFERRAL_CLOSED", "REFERRAL_CLOSED", "ok", "ok", "ok", "REFERRAL_CLOSED"},
}

// run issues a valid command of each kind, so that only the state decides the outcome.
func run(r *domain.Referral, c domain.Command) ([]proto.Message, error) {
	switch c {
	case domain.CmdSubmitSecondParty:
		return r.SubmitSecondParty(secondParty(), today, ids())
	case domain.CmdAmend:
		d := r.Details()
		d.Availability = "Sunday afternoons"
		return r.Amend(d, "The family asked for it", today, ids())
	case domain.CmdScreen:
		return r.Screen(domain.Screening{Rating: referralv1.RiskRating_RISK_RATING_AMBER}, today)
	case domain.CmdAccept:
		return r.Accept(supported, both, "", today)
	case domain.CmdWaitlist:
		return r.Waitlist(0, both, today)
	case domain.CmdDecline:
		return r.Decline(domain.Decline{Reason: referralv1.DeclineReason_DECLINE_REASON_CANNOT_MEET_NEEDS}, directory, today)
	case domain.CmdWithdraw:
		return r.Withdraw(referralv1.WithdrawnBy_WITHDRAWN_BY_RESIDENT_PARENT, "moved away", today)
	case domain.CmdRecordPreVisit:
		return r.RecordPreVisit(domain.PreVisit{PersonID: r.Adults()[0].ID, On: today, GroundRulesSigned: true}, today)
	case domain.CmdAgreeArrangement:
		return r.AgreeArrangement(arrangement(r.ServiceType()), today)
	case domain.CmdRecordSessionAttended:
		return r.RecordSessionAttended(today)
	case domain.CmdRecordReview:
		return r.RecordReview(today, cont, "going well", today)
	case domain.CmdEndCase:
		return r.EndCase(referralv1.CaseOutcome_CASE_OUTCOME_REFERRED_BACK_TO_COURT, "Ended for the test", today)
	case domain.CmdSuspend:
		return r.Suspend(uuid.New(), today)
	case domain.CmdResume:
		return r.Resume(holdID, today)
	case domain.CmdReleasePlace:
		return r.ReleasePlace(today)
	case domain.CmdFlagPossibleDuplicate:
		return r.FlagPossibleDuplicate(r.Children()[0].ID, uuid.New(), exact, today)
	case domain.CmdCheckPossibleDuplicate:
		other := uuid.New()
		var flagged []proto.Message
		if domain.CheckTransition(r.State(), c) == nil {
			// Only a possible duplicate is checked; flagging one where the check is refused
			// would change the referral.
			var err error
			if flagged, err = r.FlagPossibleDuplicate(r.Children()[0].ID, other, exact, today); err != nil {
				return nil, err
			}
		}
		checked, err := r.CheckPossibleDuplicate(other, uuid.New(), nil, domain.Finding{}, time.Time{}, "Spoke to the other centre's lead: another family", today)
		if err != nil {
			return nil, err
		}
		return append(flagged, checked...), nil
	case domain.CmdChangeArrangement:
		a := arrangement(r.ServiceType())
		a.SessionMinutes = 90
		return r.ChangeArrangement(a, today)
	}
	panic("unknown command " + c.String())
}

func TestStateMachine(t *testing.T) {
	require.Len(t, matrix, len(domain.Commands), "every command has a row")
	for _, c := range domain.Commands {
		for i, s := range domain.States {
			want := matrix[c][i]
			t.Run(c.String()+"/"+s.String(), func(t *testing.T) {
				got := domain.CheckTransition(s, c)
				if want == "ok" {
					require.NoError(t, got)
				} else {
					require.ErrorIs(t, got, problem.Rule(want, ""))
				}

				// The command itself keeps to the table, and a refused one changes nothing.
				r, h := inState(t, s)
				version := r.Version()
				events, err := run(r, c)
				if want == "ok" {
					require.NoError(t, err)
					rebuilt, err := domain.Rebuild(r.ID(), append(h.events, events...))
					require.NoError(t, err)
					require.Equal(t, r.State(), rebuilt.State())
					require.Equal(t, r.Version(), rebuilt.Version())
					return
				}
				if c == domain.CmdAmend && domain.Final(s) {
					// A closed referral is corrected, not amended (decision 178): personal details
					// only, and the availability the referrer gave is not one.
					want = "CORRECTION_ONLY"
				}
				require.ErrorIs(t, err, problem.Rule(want, ""))
				var rule *problem.RuleError
				require.ErrorAs(t, err, &rule)
				require.Regexp(t, `^[A-Z]+(_[A-Z]+)*$`, rule.Reason)
				require.Nil(t, events)
				require.Equal(t, version, r.Version())
				require.Equal(t, s, r.State())
			})
		}
	}
}
