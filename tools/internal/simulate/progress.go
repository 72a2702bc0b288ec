package simulate

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar draws one line on a terminal: the simulated day, a bar, commands sent and their
// rate. It redraws at most every 200 ms.
type progressBar struct {
	w        io.Writer
	from, to time.Time
	commands *counter
	start    time.Time
	last     time.Time
}

func newProgress(w io.Writer, from, to time.Time, commands *counter) *progressBar {
	return &progressBar{w: w, from: from, to: to, commands: commands, start: time.Now()}
}

func (p *progressBar) at(d time.Time) {
	if p.w == nil || (time.Since(p.last) < 200*time.Millisecond && !d.Equal(p.to)) {
		return
	}
	p.last = time.Now()
	total := p.to.Sub(p.from).Hours()/24 + 1
	done := d.Sub(p.from).Hours()/24 + 1
	const width = 30
	filled := int(width * done / total)
	n := p.commands.get()
	rate := float64(n) / max(time.Since(p.start).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%%  %d commands  %.0f commands/s ", d.Format(time.DateOnly),
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), 100*done/total, n, rate)
}

func (p *progressBar) done() {
	if p.w != nil && !p.last.IsZero() {
		fmt.Fprintln(p.w)
	}
}
