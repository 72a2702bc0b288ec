package app

import (
	"time"

	"github.com/google/uuid"

	commonv1 "github.com/familytime/familytime/proto/gen/go/familytime/common/v1"
	schedulingv1 "github.com/familytime/familytime/proto/gen/go/familytime/scheduling/v1"
	"github.com/familytime/familytime/services/platform/eventstore"
	"github.com/familytime/familytime/services/reporting/internal/adapters"
)

// centreFacts is what CentreRegistered and CentreUpdated both carry: the centre's whole state.
type centreFacts interface {
	GetCentreId() string
	GetName() string
	GetRegion() commonv1.Region
	GetServiceTypes() []commonv1.ServiceType
	GetAccreditationStatus() commonv1.AccreditationStatus
	GetAccreditationDate() *commonv1.Date
}

var (
	_ centreFacts = (*schedulingv1.CentreRegistered)(nil)
	_ centreFacts = (*schedulingv1.CentreUpdated)(nil)
)

// ProjectCentre records a centre's state from a scheduling event at a stream version.
func (a *App) ProjectCentre(uow *eventstore.UnitOfWork, ev centreFacts, version int64, at time.Time) error {
	id, err := uuid.Parse(ev.GetCentreId())
	if err != nil {
		return err // a malformed event: the consumer retries it and then dead-letters it
	}
	c := adapters.Centre{ID: id, Name: ev.GetName(), Region: ev.GetRegion(), ServiceTypes: ev.GetServiceTypes(),
		Accreditation: ev.GetAccreditationStatus(), Version: version, UpdatedAt: at}
	if d := ev.GetAccreditationDate(); d != nil {
		c.AccreditedOn = time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC)
	}
	a.centres.Put(uow, c)
	return nil
}
