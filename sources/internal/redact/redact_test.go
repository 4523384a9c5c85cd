package redact

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

const tok = "glpat-Secret123"

func TestTextSeesThroughTricks(t *testing.T) {
	cases := map[string]string{
		"plain " + tok:                      "plain [token]",
		"esc \x1b" + tok + " end":           "esc [token] end",
		"zwsp glpat-Se\u200bcret123 end":    "zwsp [token] end",
		"bidi glpat\u202e-Secret123":        "bidi [token]",
		"osc \x1b]8;;" + tok + "\x07x":      "osc \x1b]8;;[token]\x07x",
		"twice " + tok + tok:                "twice [token][token]",
		"soft glpat-Sec\u00adret123 and so": "soft [token] and so",
		"nothing here":                      "nothing here",
	}
	for in, want := range cases {
		if got := Text(in, tok); got != want {
			t.Errorf("Text(%q) = %q; want %q", in, got, want)
		}
		if got := model.CleanLine(Text(in, tok)); strings.Contains(got, "Secret") || strings.Contains(got, "ecret123") {
			t.Errorf("after cleaning, %q still shows the token: %q", in, got)
		}
	}
	if Text("abc", "ab") != "abc" {
		t.Error("a secret shorter than 4 characters was redacted")
	}
}

func TestJSONRedactsEscapedStrings(t *testing.T) {
	body := []byte(`{"message":"bad token glpat-Se\u200bcret123","` + tok + `":["\u001b` + tok + `"]}`)
	got := string(JSON(body, tok))
	if strings.Contains(got, "Secret123") || strings.Contains(got, "Se\\u200bcret") || !strings.Contains(got, Mark) {
		t.Fatalf("JSON left the token: %s", got)
	}
	if got := string(JSON([]byte("Retry later\n"), tok)); got != "Retry later\n" {
		t.Errorf("plain body changed: %q", got)
	}
}

func TestErrorKeepsTheChain(t *testing.T) {
	base := fmt.Errorf("issues: 400 echo %s: %w", "\x1b"+tok, context.DeadlineExceeded)
	perm := &model.PermanentError{Err: base, Hint: "check the token"}
	err := Error(&model.RetryAfterError{Err: perm, After: time.Minute}, tok)
	if strings.Contains(err.Error(), "Secret123") {
		t.Fatalf("redacted error shows the token: %q", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !model.IsPermanent(err) || model.HintOf(err) != "check the token" {
		t.Fatalf("chain lost: is deadline %v, permanent %v, hint %q", errors.Is(err, context.DeadlineExceeded), model.IsPermanent(err), model.HintOf(err))
	}
	var ra *model.RetryAfterError
	if !errors.As(err, &ra) || ra.After != time.Minute {
		t.Fatal("RetryAfterError lost")
	}
	// Every level of the chain is redacted, not only the top.
	for e := error(err); e != nil; {
		if strings.Contains(e.Error(), "Secret123") {
			t.Fatalf("a wrapped error shows the token: %q", e)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		case interface{ Unwrap() []error }:
			if es := u.Unwrap(); len(es) > 0 {
				e = es[0]
			} else {
				e = nil
			}
		default:
			e = nil
		}
	}
	clean := errors.New("nothing secret")
	if Error(clean, tok) != clean {
		t.Error("an error without a token was replaced")
	}
}

func TestTransportRedactsErrorBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"message":"token \u001b`+r.Header.Get("Private-Token")+` is wrong"}`)
	}))
	defer srv.Close()
	c := &http.Client{Transport: &Transport{Secrets: []string{tok}}}
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("Private-Token", tok)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), "Secret123") || !strings.Contains(string(body), Mark) {
		t.Fatalf("error body %s", body)
	}
}

// A body longer than what is kept is cut; a token the cut goes through leaves none of its
// letters behind.
func TestTransportLeavesNoPartOfACutToken(t *testing.T) {
	for shift := range len(tok) {
		prefix := strings.Repeat("x", maxErrorBody-shift)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, prefix+tok+" trailing")
		}))
		c := &http.Client{Transport: &Transport{Secrets: []string{tok}}}
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		tail := string(body[len(body)-min(len(body), 2*len(tok)):])
		if len(body) > maxErrorBody || strings.Contains(tail, tok[:2]) {
			t.Fatalf("cut %d letters into the token: the body ends %q", shift, tail)
		}
	}
}
