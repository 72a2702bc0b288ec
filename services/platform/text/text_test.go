package text_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/familytime/familytime/services/platform/text"
)

// Names in every script are clean, as one line and as prose.
func TestNamesInOtherScriptsAreClean(t *testing.T) {
	for _, name := range []string{
		"Dafydd ap Gwŷn",     // Welsh
		"Siân Llŵyd",         // Welsh
		"Michał Łukasiewicz", // Polish
		"Zoë O'Brien-Clarke", // diaeresis, apostrophe, hyphen
		"Renée Müller",       // precomposed accents
		"Rene\u0301e",        // a combining accent is part of the letter
		"محمد عبد الله",      // Arabic
		"王小明",                // Chinese
		"Ελένη Παπαδοπούλου", // Greek
		"Анна Иванова",       // Cyrillic
		"श्रेया शर्मा",       // Devanagari, with its virama
		"יעל כהן",            // Hebrew
		"فاطمه\u200cزهرا",    // Persian, a zero-width non-joiner inside the name
		"क\u094d\u200dष",     // Devanagari, a zero-width joiner inside a conjunct
		"Riverside Family Time Centre (Garden room) — 1st floor",
		"",
	} {
		require.Empty(t, text.Check(name, text.Line), "%q", name)
		require.Empty(t, text.Check(name, text.Prose), "%q", name)
	}
}

// What acts instead of showing, or hides or reorders what is shown, is refused; prose keeps its
// tabs and line breaks.
func TestWhatDisguisesTextIsRefused(t *testing.T) {
	cases := []struct {
		name  string
		s     string
		prose bool // allowed in prose
	}{
		{"a right-to-left override", "Daniel\u202eekralC", false},
		{"a left-to-right mark", "Daniel\u200eClarke", false},
		{"a right-to-left mark", "Daniel\u200fClarke", false},
		{"a left-to-right embedding", "\u202aDaniel", false},
		{"a right-to-left embedding", "\u202bDaniel", false},
		{"a pop directional formatting", "Daniel\u202c", false},
		{"a left-to-right override", "\u202dDaniel", false},
		{"a left-to-right isolate", "\u2066Daniel", false},
		{"a right-to-left isolate", "\u2067Daniel", false},
		{"a first-strong isolate", "\u2068Daniel", false},
		{"a pop directional isolate", "Daniel\u2069", false},
		{"an Arabic letter mark", "محمد\u061c", false},
		{"a zero-width space", "Dan\u200biel", false},
		{"a zero-width non-joiner at the end", "Daniel\u200c", false},
		{"a zero-width joiner at the start", "\u200dDaniel", false},
		{"a zero-width non-joiner beside a space", "Daniel \u200cClarke", false},
		{"two zero-width joiners", "Dan\u200d\u200diel", false},
		{"a word joiner", "Dan\u2060iel", false},
		{"a byte-order mark", "\ufeffDaniel", false},
		{"a soft hyphen", "Dan\u00adiel", false},
		{"a tag character", "Daniel\U000E0041", false},
		{"a Hangul filler, a blank letter", "\u3164", false},
		{"a blank Braille pattern", "\u2800", false},
		{"a no-break space in a name", "Family\u00a0room 1", true},
		{"an ideographic space", "Emma\u3000Clarke", true},
		{"a line separator", "Daniel\u2028Clarke", false},
		{"a paragraph separator", "Daniel\u2029Clarke", false},
		{"an escape code", "Ctl\x07\x1b[31mred", false},
		{"NUL", "a\x00b", false},
		{"DEL", "a\x7fb", false},
		{"a C1 control", "Zo\u009bë", false},
		{"a tab", "Daniel\tClarke", true},
		{"a line break", "line one\nline two", true},
		{"a Windows line break", "line one\r\nline two", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, text.ReasonLine, text.Check(tc.s, text.Line))
			if tc.prose {
				require.Empty(t, text.Check(tc.s, text.Prose))
			} else {
				require.Equal(t, text.ReasonProse, text.Check(tc.s, text.Prose))
			}
		})
	}
	require.Equal(t, text.ReasonUTF8, text.Check("Dan\xffiel", text.Line))
	require.Equal(t, text.ReasonUTF8, text.Check("Dan\xffiel", text.Prose))
}
