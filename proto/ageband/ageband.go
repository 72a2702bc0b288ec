// Package ageband is the one rule for a child's age band on a date, from the birth month that
// referral events carry in clear (familytime.referral.v1.ChildParty birth_year and birth_month).
// It lives beside the contracts because it is part of them: referral, scheduling and reporting
// must all band a child the same way, and none of them may see an exact date of birth
// (docs/decisions.md 34).
package ageband

import (
	"time"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
)

// Age is a child's age in whole years on the date on, counting the birthday as the first day of
// the birth month. Without the day of birth this is the one choice that is the same for everyone;
// it makes a child at most one month older than they are, for at most one month a year. It is
// negative for a date before the birth month.
func Age(birthYear, birthMonth int, on time.Time) int {
	age := on.Year() - birthYear
	if int(on.Month()) < birthMonth {
		age--
	}
	return age
}

// At is the child's age band on the date on (only its year and month count). It is
// AGE_BAND_UNSPECIFIED before the birth month, from the 18th birthday month on (contact centres
// serve children), or when the month is not 1 to 12.
func At(birthYear, birthMonth int, on time.Time) commonv1.AgeBand {
	if birthMonth < 1 || birthMonth > 12 {
		return commonv1.AgeBand_AGE_BAND_UNSPECIFIED
	}
	switch age := Age(birthYear, birthMonth, on); {
	case age < 0:
		return commonv1.AgeBand_AGE_BAND_UNSPECIFIED
	case age < 2:
		return commonv1.AgeBand_AGE_BAND_UNDER_2
	case age < 5:
		return commonv1.AgeBand_AGE_BAND_2_TO_4
	case age < 11:
		return commonv1.AgeBand_AGE_BAND_5_TO_10
	case age < 16:
		return commonv1.AgeBand_AGE_BAND_11_TO_15
	case age < 18:
		return commonv1.AgeBand_AGE_BAND_16_TO_17
	default:
		return commonv1.AgeBand_AGE_BAND_UNSPECIFIED
	}
}
