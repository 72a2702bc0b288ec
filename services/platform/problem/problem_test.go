package problem_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/problem"
)

var errDuplicate = problem.Conflict("DUPLICATE_CENTRE", "a centre of that name is already in the region")

func TestSentinelsMatchByReason(t *testing.T) {
	wrapped := fmt.Errorf("register: %w", problem.Conflict("DUPLICATE_CENTRE", "other words"))
	require.ErrorIs(t, wrapped, errDuplicate)
	require.NotErrorIs(t, problem.Conflict("OTHER", "x"), errDuplicate)
	require.ErrorIs(t, problem.Rule("HOLD_ACTIVE", "a"), problem.Rule("HOLD_ACTIVE", "b"))
	require.ErrorIs(t, problem.NotFound("centre"), problem.NotFound("centre"))
	require.NotErrorIs(t, problem.NotFound("family"), problem.NotFound("centre"))
	var invalid *problem.InvalidError
	require.True(t, errors.As(fmt.Errorf("x: %w", problem.Invalid("name", "must not be empty")), &invalid))
	require.Equal(t, "invalid input: name: must not be empty", invalid.Error())
}
