package app

import (
	"context"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// ListCentres reads a page of centres by name, optionally in one region.
func (a *App) ListCentres(ctx context.Context, region commonv1.Region, size int, token string) ([]adapters.Centre, string, error) {
	if size <= 0 {
		size = DefaultPageSize
	}
	return a.centres.List(ctx, region, size, token)
}
