package ports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	reportingv1 "github.com/familytime/familytime/proto/gen/go/familytime/reporting/v1"
	"github.com/familytime/familytime/services/platform/auth"
	"github.com/familytime/familytime/services/reporting/internal/ports"
)

// Every RPC of ReportingService has a policy rule: a new RPC without one fails here.
func TestPolicyCoversEveryRPC(t *testing.T) {
	require.NoError(t, auth.CheckComplete(ports.Policy, reportingv1.File_familytime_reporting_v1_reporting_proto.Services().ByName("ReportingService")))
}
