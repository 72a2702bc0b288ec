package domain

import (
	referralv1 "github.com/familytime/familytime/proto/gen/go/familytime/referral/v1"
)

// State is where a referral stands on the family's path; the values are the contract's, so what
// the domain decides is what clients and other services read.
type State = referralv1.ReferralState

// The states of a referral (see ReferralState in proto/familytime/referral/v1/types.proto).
const (
	AwaitingSecondParty = referralv1.ReferralState_REFERRAL_STATE_AWAITING_SECOND_PARTY
	Received            = referralv1.ReferralState_REFERRAL_STATE_RECEIVED
	Screened            = referralv1.ReferralState_REFERRAL_STATE_SCREENED
	Accepted            = referralv1.ReferralState_REFERRAL_STATE_ACCEPTED
	Waitlisted          = referralv1.ReferralState_REFERRAL_STATE_WAITLISTED
	Declined            = referralv1.ReferralState_REFERRAL_STATE_DECLINED
	Withdrawn           = referralv1.ReferralState_REFERRAL_STATE_WITHDRAWN
	ReadyForContact     = referralv1.ReferralState_REFERRAL_STATE_READY_FOR_CONTACT
	InContact           = referralv1.ReferralState_REFERRAL_STATE_IN_CONTACT
	Suspended           = referralv1.ReferralState_REFERRAL_STATE_SUSPENDED
	Ended               = referralv1.ReferralState_REFERRAL_STATE_ENDED
)

// States lists every state a recorded referral can be in, in the order of the family's path.
var States = []State{AwaitingSecondParty, Received, Screened, Accepted, Waitlisted, Declined, Withdrawn,
	ReadyForContact, InContact, Suspended, Ended}

// Command is something that can happen to an existing referral. Submitting creates one and is not
// a transition.
type Command int

// The commands on an existing referral.
const (
	CmdSubmitSecondParty Command = iota + 1
	CmdAmend
	CmdScreen
	CmdAccept
	CmdWaitlist
	CmdDecline
	CmdWithdraw
	CmdRecordPreVisit
	CmdAgreeArrangement
	CmdRecordSessionAttended
	CmdRecordReview
	CmdEndCase
	CmdSuspend
	CmdResume
	CmdReleasePlace
	CmdFlagPossibleDuplicate
	CmdChangeArrangement
	CmdCheckPossibleDuplicate
)

// Commands lists every command on an existing referral.
var Commands = []Command{CmdSubmitSecondParty, CmdAmend, CmdScreen, CmdAccept, CmdWaitlist, CmdDecline,
	CmdWithdraw, CmdRecordPreVisit, CmdAgreeArrangement, CmdRecordSessionAttended, CmdRecordReview, CmdEndCase,
	CmdSuspend, CmdResume, CmdReleasePlace, CmdFlagPossibleDuplicate, CmdChangeArrangement, CmdCheckPossibleDuplicate}

var commandNames = map[Command]string{
	CmdSubmitSecondParty: "SubmitSecondParty", CmdAmend: "Amend", CmdScreen: "Screen", CmdAccept: "Accept",
	CmdWaitlist: "Waitlist", CmdDecline: "Decline", CmdWithdraw: "Withdraw", CmdRecordPreVisit: "RecordPreVisit",
	CmdAgreeArrangement: "AgreeArrangement", CmdRecordSessionAttended: "RecordSessionAttended",
	CmdRecordReview: "RecordReview", CmdEndCase: "EndCase", CmdSuspend: "Suspend", CmdResume: "Resume",
	CmdReleasePlace: "ReleasePlace", CmdFlagPossibleDuplicate: "FlagPossibleDuplicate",
	CmdChangeArrangement: "ChangeArrangement", CmdCheckPossibleDuplicate: "CheckPossibleDuplicate",
}

func (c Command) String() string { return commandNames[c] }

// open are the states in which the referral is still alive.
var open = []State{AwaitingSecondParty, Received, Screened, Accepted, Waitlisted, ReadyForContact, InContact, Suspended}

// allowed is the state machine: the states from which each command may run. Everything else is
// refused with the reason refusal gives. Keep it in step with the matrix in states_test.go.
var allowed = map[Command][]State{
	CmdSubmitSecondParty: {AwaitingSecondParty},
	CmdAmend:             open,
	CmdScreen:            {Received, Screened},
	CmdAccept:            {Screened, Waitlisted},
	CmdWaitlist:          {Screened},
	// A decision is accepted, waitlisted, declined or withdrawn: once accepted, the case goes on
	// until it ends or is withdrawn, and is never declined (decisions.md 77).
	CmdDecline:          {AwaitingSecondParty, Received, Screened, Waitlisted},
	CmdWithdraw:         {AwaitingSecondParty, Received, Screened, Waitlisted, Accepted, ReadyForContact},
	CmdRecordPreVisit:   {Accepted},
	CmdAgreeArrangement: {Accepted},
	// A session after the first one changes nothing, so InContact is allowed and records nothing:
	// scheduling reports every completed session and a consumer must not fail on the second.
	CmdRecordSessionAttended: {ReadyForContact, InContact},
	// A review while suspended is allowed: the hold is often what the review is about. The command
	// also needs contact to have begun (a case suspended before its first session has no review).
	CmdRecordReview: {InContact, Suspended},
	CmdEndCase:      {ReadyForContact, InContact, Suspended},
	// A hold suspends an accepted case; before acceptance, screening weighs safeguarding's record
	// and scheduling refuses bookings on its own copy of the holds.
	CmdSuspend: {Accepted, ReadyForContact, InContact, Suspended},
	CmdResume:  {Suspended},
	// A place released while a hold suspends the case is noted too: the case stays suspended, and
	// the outcome place released fits once it ends (review 23 lost it).
	CmdReleasePlace:          {ReadyForContact, InContact, Suspended},
	CmdFlagPossibleDuplicate: open,
	// The agreed arrangement changes once the family is ready for contact (decisions.md 90); before
	// that it is agreed again. While a hold suspends the case it may change too (the review held
	// about the hold is where it is agreed), but only of a case that was ready before the hold:
	// ChangeArrangement checks that.
	CmdChangeArrangement: {ReadyForContact, InContact, Suspended},
	// The lead's check of a possible duplicate is for the decision it would bar (decision 205).
	CmdCheckPossibleDuplicate: {AwaitingSecondParty, Received, Screened, Waitlisted},
}

// Final reports whether a state is the end of the referral.
func Final(s State) bool { return s == Declined || s == Withdrawn || s == Ended }

// CheckTransition says whether the command may run in the state: nil, or a problem.Rule error whose
// reason tells the caller what stands in the way.
func CheckTransition(s State, c Command) error {
	for _, ok := range allowed[c] {
		if ok == s {
			return nil
		}
	}
	return refusal(s, c)
}

func refusal(s State, c Command) error {
	switch {
	case Final(s):
		return ErrReferralClosed
	case c == CmdResume:
		return ErrNotSuspended
	case s == Suspended:
		return ErrCaseSuspended
	}
	switch c {
	case CmdSubmitSecondParty:
		return ErrNotAwaitingSecondParty
	case CmdScreen:
		if s == AwaitingSecondParty {
			return ErrSecondPartyOutstanding
		}
		return ErrAlreadyDecided
	case CmdAccept, CmdWaitlist:
		switch {
		case s == AwaitingSecondParty:
			return ErrSecondPartyOutstanding
		case s == Received:
			return ErrScreeningRequired
		case s == Waitlisted:
			return ErrAlreadyWaitlisted
		}
		return ErrAlreadyAccepted
	case CmdDecline:
		if s == Accepted {
			return ErrReferralAccepted
		}
		return ErrContactArranged
	case CmdWithdraw:
		return ErrContactStarted
	case CmdCheckPossibleDuplicate:
		return ErrAlreadyAccepted
	case CmdRecordPreVisit, CmdAgreeArrangement:
		switch s {
		case AwaitingSecondParty:
			return ErrSecondPartyOutstanding
		case Received, Screened, Waitlisted:
			return ErrNotAccepted
		}
		if c == CmdAgreeArrangement {
			return ErrArrangementAgreed
		}
		return ErrAlreadyReady
	case CmdChangeArrangement:
		switch s {
		case AwaitingSecondParty:
			return ErrSecondPartyOutstanding
		case Received, Screened, Waitlisted:
			return ErrNotAccepted
		}
		return ErrArrangementNotYetAgreed
	case CmdRecordSessionAttended, CmdReleasePlace:
		return ErrNotReadyForContact
	case CmdRecordReview:
		return ErrContactNotStarted
	case CmdEndCase:
		return ErrContactNotArranged
	case CmdSuspend:
		return ErrNotAccepted
	}
	return ErrReferralClosed // unreachable: every command above is allowed in some open state
}
