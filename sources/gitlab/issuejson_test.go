package gitlab

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// reference is what client-go's Do gives for a page decoded into []*slimIssue: one
// json.Decoder.Decode of the body.
func reference(body []byte) ([]*slimIssue, error) {
	var page []*slimIssue
	err := json.NewDecoder(bytes.NewReader(body)).Decode(&page)
	return page, err
}

// sameDecoding fails t when decodePage and the reference disagree: both fail, or both give
// the same issues; a truncation is a truncation in both.
func sameDecoding(t *testing.T, body []byte) {
	t.Helper()
	want, wantErr := reference(body)
	got, gotErr := decodePage(body)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%.200q: encoding/json %v, decodePage %v", body, wantErr, gotErr)
	}
	if wantErr != nil {
		if truncated := func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF }; truncated(wantErr) != truncated(gotErr) {
			t.Fatalf("%.200q: encoding/json %v, decodePage %v", body, wantErr, gotErr)
		}
		return
	}
	if len(want) == 0 && len(got) == 0 {
		return // nil and empty are the same page
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%.300q:\nencoding/json %s\ndecodePage    %s", body, dump(want), dump(got))
	}
}

func dump(page []*slimIssue) string {
	b, _ := json.Marshal(page)
	return string(b)
}

var decodeSeeds = []string{
	``, ` `, `null`, `[]`, `[null]`, `{}`, `5`, `"x"`, `[5]`, `[{}]`, `[{},]`, `[{}`, `[{"id":1`, `[{"id":1}] x`,
	`[{` + fullIssue + `}]`,
	`[{"ID": 1, "IID": 2, "Title": "folded keys", "ſtate": "opened", "user_NOTES_count": 3}]`,
	`[{"\u0069d": 1, "t\u0069tle": "escaped keys", "title": "later wins"}]`,
	`[{"id": 1, "author": {"name": "a"}, "author": {"username": "b"}}]`,
	`[{"id": 1, "author": {"name": "a"}, "author": null}]`,
	`[{"id": 1, "iid": 01}]`, `[{"id": 1, "iid": -3}]`, `[{"id": 1, "iid": 1e3}]`, `[{"id": 1, "iid": 9223372036854775808}]`,
	`[{"id": 1, "iid": 123456789012345678901}]`, `[{"id": 1, "iid": 5.0}]`, `[{"id": 1, "iid": "5"}]`, `[{"id":1,"iid":7}]`,
	`[{"id": 1, "title": "tab\there"}]`, `[{"id": 1, "title": "bad \x escape"}]`, `[{"id": 1, "title": "\ud800 lone"}]`,
	"[{\"id\": 1, \"title\": \"ctl \x01\"}]", "[{\"id\": 1, \"title\": \"bad utf8 \xff\"}]",
	`[{"id": 1, "labels": ["a", "b\u0041"]}]`, `[{"id": 1, "labels": [{"name": "a"}, {"Name": "b"}]}]`,
	`[{"id": 1, "labels": ["a", {"name": "b"}]}]`, `[{"id": 1, "labels": [{"name": "a"}, "b"]}]`, `[{"id": 1, "labels": "a"}]`,
	`[{"id": 1, "labels": [1]}]`, `[{"id": 1, "labels": [null, "a"]}]`, `[{"id": 1, "labels": []}]`, `[{"id": 1, "labels": ["a",]}]`,
	`[{"id": 1, "assignees": [null, {"name": "x"}, 5]}]`, `[{"id": 1, "assignees": [{}]}]`, `[{"id": 1, "assignees": {}}]`,
	`[{"id": 1, "created_at": "2026-11-23T10:00:00Z", "updated_at": null, "closed_at": "bad"}]`,
	`[{"id": 1, "due_date": "2026-11-30"}, {"id": 2, "due_date": "2026-11-30T10:00:00Z"}, {"id": 3, "due_date": 5}]`,
	`[{"id": 1, "x": [1, 2.5e-3, -0, true, false, null, {"a": [{}]}, "s"]}]`, `[{"id": 1, "x": -}]`, `[{"id": 1, "x": 1.}]`,
	`[{"id": 1, "x": tru}]`, `[{"id": 1, "x": nul`, `[{"id": 1 "iid": 2}]`, `[{"id": 1, "iid": 2,}]`, `[{1: 2}]`,
	`[{"id": "JIRA-1"}, {"id": null}]`, `[{"id": 1.5}]`, `[{"id": true}]`, `[{"iid": 1}]`,
	`[{"id": 1, "description": null, "title": null}]`, "[{\"id\": 1}]\n\n", "\t[ { \"id\" : 1 , \"iid\" : 2 } ]",
}

func TestDecodePageAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range decodeSeeds {
		sameDecoding(t, []byte(s))
	}
	sameDecoding(t, []byte(`[{"id": 1, "x": `+strings.Repeat("[", 10050)+strings.Repeat("]", 10050)+`}]`))
	for _, body := range simPages(t) {
		sameDecoding(t, body)
		for _, cut := range []int{1, len(body) / 3, len(body) / 2, len(body) - 1} {
			sameDecoding(t, body[:cut]) // truncated answers
		}
	}
}

// simPages are raw answers of the simulator's issue lists.
func simPages(t testing.TB) [][]byte {
	opts := sim.DefaultOptions(now)
	opts.Bulk = sim.Bulk{QueueIssues: 120, OncallIssues: 30, Handoffs: 10, Incidents: 40}
	srv, _ := simtest.NewTestServer(t, opts, nil)
	var out [][]byte
	for _, path := range []string{opts.ProductionProject + "/issues?labels=incident", opts.ProductionProject + "/issues?labels=change&state=opened",
		opts.OncallProject + "/issues?labels=oncall", opts.HandoffProject + "/issues"} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v4/projects/"+strings.Replace(strings.ReplaceAll(path, "/", "%2F"), "%2Fissues", "/issues", 1)+"&per_page=100", nil)
		req.Header.Set("Private-Token", "x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = append(out, body)
	}
	return out
}

func FuzzDecodePage(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	for _, body := range simPages(f) {
		f.Add(body[:min(len(body), 3000)])
	}
	f.Fuzz(func(t *testing.T, body []byte) { sameDecoding(t, body) })
}

func BenchmarkDecodePage(b *testing.B) {
	body := simPages(b)[2]
	b.Run("encoding/json", func(b *testing.B) {
		for range b.N {
			_, _ = reference(body)
		}
	})
	b.Run("decodePage", func(b *testing.B) {
		for range b.N {
			_, _ = decodePage(body)
		}
	})
}
