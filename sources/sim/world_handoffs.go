package sim

import (
	"math/rand/v2"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// Past handoffs, one for each of the last eight shifts. Each is written by the outgoing
// engineer some minutes before the shift's end, as oncall itself writes them: the facts of
// the world at that moment (model.RegenerateHandoff over what the world held: the
// incidents, changes, ~oncall issues and pages of the shift, with their links) and below
// them a few human sentences that agree with those facts. The incoming engineer
// acknowledges most of them, a few minutes or a few hours after the handoff; some never
// are, and the latest may not be yet.

// pastHandoff is what a handoff of the world is written from. Its body is written again
// when the bulk world renumbers the issues its links point to.
type pastHandoff struct {
	from, to model.Shift
	out, in  *person
	written  time.Time // what the world held then is what the body says
	// byHand: written before the team used oncall, so only the human part and the
	// handover line (the bulk world's older handoffs).
	byHand bool
}

// pastShifts is how many handoffs the default world holds.
const pastShifts = 8

// writePastHandoffs writes the handoffs of the shifts before the current one, oldest first.
func (s *Sim) writePastHandoffs(hand *project) {
	ends := make([]time.Time, 0, pastShifts)
	end := s.opts.Rotation.ShiftAt(s.opts.Now).Start
	for k := 0; k < pastShifts; k++ {
		ends = append(ends, end)
		end = s.opts.Rotation.ShiftAt(end.Add(-time.Minute)).Start
	}
	for i := len(ends) - 1; i >= 0; i-- {
		s.addPastHandoff(hand, ends[i])
	}
	if s.opts.Bulk == (Bulk{}) {
		s.renderHandoffs() // else once the bulk world is there
	}
}

// addPastHandoff adds the handoff of the shift that ended at end, its acknowledgement and
// its closing; renderHandoffs writes its body.
func (s *Sim) addPastHandoff(hand *project, end time.Time) *issue {
	rot, now := s.opts.Rotation, s.opts.Now
	from, to := rot.ShiftAt(end.Add(-time.Minute)), rot.ShiftAt(end)
	out, in := s.onCallFor(from.Region, from.Start), s.onCallFor(to.Region, to.Start)
	r := rand.New(rand.NewPCG(s.opts.Seed, s.hash("handoff", end.Unix())))
	written := s.notAfterNow(end.Add(-between(r, 10*time.Minute, 55*time.Minute)))
	is := s.add(hand, now.Sub(written), model.HandoffTitle(from, to), "", []string{s.opts.Labels.Handoff}, out, out, in)
	is.handoff = &pastHandoff{from: from, to: to, out: out, in: in, written: written}
	if d, ok := ackDelay(r); ok && !end.Add(d).After(now) {
		at := end.Add(d)
		s.noteAt(is, at, in, model.AckNoteBody(in.username, at))
	}
	if closed := end.Add(between(r, 8*time.Hour, 30*time.Hour)); !closed.After(now) {
		is.close(closed)
	}
	return is
}

// ackDelay is how long after the handoff the incoming engineer acknowledges it: mostly
// within twenty minutes, sometimes after the first fire is out, and about one in eight
// never (ok false).
func ackDelay(r *rand.Rand) (time.Duration, bool) {
	switch n := r.IntN(100); {
	case n < 12:
		return 0, false
	case n < 68:
		return between(r, 2*time.Minute, 20*time.Minute), true
	case n < 92:
		return between(r, 20*time.Minute, 90*time.Minute), true
	default:
		return between(r, 90*time.Minute, 4*time.Hour), true
	}
}

// renderHandoffs writes the body of every handoff the world wrote, from the world as it
// is now planned (the links carry the issues' current iids).
func (s *Sim) renderHandoffs() {
	p := s.projects[s.opts.HandoffProject]
	if p == nil {
		return
	}
	ix := s.indexWorld()
	for _, is := range p.issues {
		h := is.handoff
		if h == nil {
			continue
		}
		r := rand.New(rand.NewPCG(s.opts.Seed, s.hash("handoff text", h.from.End.Unix())))
		f := s.factsAt(ix, h, !h.byHand)
		body := s.humanPart(r, f)
		if !h.byHand {
			body = model.RegenerateHandoff(f, model.HumanMarker+"\n\n"+body)
		}
		is.desc = body + "\n" + model.HandoverLine(h.out.username, h.in.username) + "\n"
	}
}

func (p *person) model() *model.Person {
	return &model.Person{Name: p.name, Username: p.username, Email: p.email(), PagerDutyID: p.pdID}
}
