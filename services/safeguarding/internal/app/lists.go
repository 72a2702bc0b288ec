package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/familytime/familytime/services/safeguarding/internal/domain"
)

// DefaultPageSize is a list's page size when the caller gives none.
const DefaultPageSize = 100

func pageSize(size int) int {
	if size <= 0 {
		return DefaultPageSize
	}
	return size
}

// AccessRecordsPage reads a page of who read a family's safeguarding text at the centre, when and
// why, oldest first (size 0: DefaultPageSize), with the purposes opened (none when !purposes: a
// national role is never given them, review 41), and the next page's token: the pages in turn are
// every read, none left out. Listing records no access of its own.
func (a *App) AccessRecordsPage(ctx context.Context, centre, family uuid.UUID, size int, token string, purposes bool) ([]AccessView, string, error) {
	rows, next, err := a.records.AccessRecordsPage(ctx, centre, family, pageSize(size), token)
	if err != nil {
		return nil, "", err
	}
	out := make([]AccessView, 0, len(rows))
	for _, r := range rows {
		purpose := ""
		if purposes && r.Refused == "" { // a refused read keeps no purpose
			b, err := a.records.Open(ctx, family, r.Event, "sealed_purpose", r.SealedPurpose)
			if err != nil {
				return nil, "", err
			}
			if len(b) > 0 {
				if purpose, err = domain.NoteText(b); err != nil {
					return nil, "", err
				}
			}
		}
		out = append(out, AccessView{At: r.At, Subject: r.Subject, Role: r.Role, Purpose: purpose, Centre: r.Centre,
			Record: r.Record, Kind: r.Kind, Refused: r.Refused, AskedCentre: r.AskedCentre, Repeats: r.Repeats})
	}
	return out, next, nil
}
