package pagerduty

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

var now = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC) // EMEA on, AMER next at 16:00

// scheduleEntries asks the simulator's GET /schedules/:id (a second way to the same
// truth) who covers each instant.
func scheduleEntries(t *testing.T, url, id string, since, until time.Time) map[time.Time]string {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/schedules/"+id+"?since="+since.Format(time.RFC3339)+"&until="+until.Format(time.RFC3339), nil)
	req.Header.Set("Authorization", "Token token=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Schedule struct {
			Final struct {
				Entries []struct {
					Start time.Time `json:"start"`
					User  struct {
						Summary string `json:"summary"`
					} `json:"user"`
				} `json:"rendered_schedule_entries"`
			} `json:"final_schedule"`
		} `json:"schedule"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	out := map[time.Time]string{}
	for _, e := range body.Schedule.Final.Entries {
		out[e.Start.UTC()] = e.User.Summary
	}
	return out
}

func TestOnCallNowAndNext(t *testing.T) {
	opts := sim.DefaultOptions(now)
	srv, _ := simtest.NewTestServer(t, opts, nil)
	oc, err := New(srv.URL, "pd-test", nil).OnCall(context.Background(), opts.Rotation, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(oc) != 2 || oc[0].Region != "EMEA" || oc[1].Region != "AMER" {
		t.Fatalf("regions %+v", oc)
	}
	emea, amer := oc[0], oc[1]
	if emea.Now == nil || amer.Now != nil {
		t.Fatalf("at 14:30 UTC EMEA is on and AMER off; got EMEA now %v, AMER now %v", emea.Now, amer.Now)
	}
	if !amer.NextStart.Equal(time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)) || !emea.NextStart.Equal(time.Date(2026, 11, 24, 4, 0, 0, 0, time.UTC)) {
		t.Fatalf("next starts: EMEA %s AMER %s", emea.NextStart, amer.NextStart)
	}
	want := scheduleEntries(t, srv.URL, "PEMEA01", now.Add(-24*time.Hour), now.Add(48*time.Hour))
	if got := want[time.Date(2026, 11, 23, 4, 0, 0, 0, time.UTC)]; emea.Now.Name != got {
		t.Errorf("EMEA now %q; the schedule says %q", emea.Now.Name, got)
	}
	if got := want[emea.NextStart]; emea.Next.Name != got {
		t.Errorf("EMEA next %q; the schedule says %q", emea.Next.Name, got)
	}
	if !strings.Contains(emea.Now.Email, "@") {
		t.Errorf("users are included, so the email should be known: %+v", emea.Now)
	}
	amerWant := scheduleEntries(t, srv.URL, "PAMER01", now, now.Add(24*time.Hour))
	if amer.Next == nil || amer.Next.Name != amerWant[amer.NextStart] {
		t.Errorf("AMER next %v; the schedule says %q", amer.Next, amerWant[amer.NextStart])
	}
}

func TestPagesCountsByStatusAcrossPages(t *testing.T) {
	// A PagerDuty stand-in with 230 open incidents, to page three times.
	var offsets []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oncalls" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"oncalls":[],"more":false}`))
			return
		}
		if r.Header.Get("Authorization") != "Token token=pd-test" || !strings.Contains(r.URL.RawQuery, "statuses%5B%5D=triggered") || r.URL.Query().Get("date_range") != "all" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		offsets = append(offsets, r.URL.Query().Get("offset"))
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var incs []map[string]any
		for i := off; i < min(off+100, 230); i++ {
			st := "acknowledged"
			if i%10 == 0 {
				st = "triggered"
			}
			incs = append(incs, map[string]any{"id": fmt.Sprintf("Q%04d", i), "type": "incident", "status": st, "incident_number": i})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"incidents": incs, "limit": 100, "offset": off, "more": off+100 < 230})
	}))
	defer srv.Close()
	p, err := New(srv.URL, "pd-test", nil).Pages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.Triggered != 23 || p.Acknowledged != 207 {
		t.Fatalf("counted %+v; want 23 triggered, 207 acknowledged", p)
	}
	if strings.Join(offsets, ",") != ",100,200" {
		t.Fatalf("offsets %v", offsets)
	}
}

func TestErrorsAreShort(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	_, err := New(srv.URL, "", nil).Pages(context.Background())
	if err == nil || err.Error() != "open incidents: 401 Authentication failed" {
		t.Fatalf("got %v", err)
	}
	rl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":{"code":2020,"message":"Rate Limit Exceeded"}}`))
	}))
	defer rl.Close()
	_, err = New(rl.URL, "x", nil).OnCall(context.Background(), model.Rotation{{Name: "EMEA", Schedule: "P1"}}, now)
	if err == nil || !strings.Contains(err.Error(), "429 rate limited") || !strings.Contains(err.Error(), "EMEA") {
		t.Fatalf("got %v", err)
	}
}

// get fetches a path of a PagerDuty stand-in as text.
func get(t *testing.T, url string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Token token=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return b.String()
}

// serve is a PagerDuty stand-in answering each path with its JSON body (404 otherwise).
func serve(t *testing.T, bodies map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"message":"Not Found","code":2100}}`))
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}
