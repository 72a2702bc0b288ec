package inwords_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/inwords"
)

func TestTextSaysSomethingInWords(t *testing.T) {
	for s, want := range map[string]bool{
		"":                 false,
		"   ":              false,
		"ok":               false,
		" ok ":             false,
		"...":              false,
		"- - -":            false,
		"!!?":              false,
		"yes":              true,
		"  why  ":          true,
		"123":              false,
		"a.b":              false,
		"a b":              false,
		"1 a":              false,
		"Q3 review":        true,
		"no 2":             true,
		"court order 1":    true,
		"zażółć":           true,
		"مراجعة":           true,
		"审查会":              true,
		"strategy meeting": true,
	} {
		t.Run(s, func(t *testing.T) { require.Equal(t, want, inwords.Says(s)) })
	}
}
