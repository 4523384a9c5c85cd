package pagerduty

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/httpx"
)

// status answers every request with code and body (JSON when body starts with "{").
func status(t *testing.T, code int, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestErrorsArePermanentOrTemporaryWithAHint(t *testing.T) {
	rot := model.Rotation{{Name: "EMEA", Start: 240, End: 960, Schedule: "PEMEA01"}, {Name: "AMER", Start: 960, End: 240, Schedule: "PEMEA01"}}
	read := func(url string) error {
		_, err := New(url, "x", nil).OnCall(context.Background(), rot, now)
		return err
	}
	cases := []struct {
		code      int
		body      string
		permanent bool
		msg, hint string
	}{
		{400, `{"error":{"message":"Invalid Input Provided","code":2001,"errors":["since is bad"]}}`, true, "400 Invalid Input Provided: since is bad", "PagerDuty refused the request"},
		{401, `{"error":{"message":"Authentication failed","code":2006}}`, true, "401 Authentication failed", "the PagerDuty token is invalid or revoked"},
		{402, `{"error":{"message":"Payment Required","code":2014}}`, true, "402 Payment Required", "plan does not include"},
		{403, `{"error":{"message":"Access Denied","code":2010}}`, true, "403 Access Denied", "may not read this (schedule PEMEA01)"},
		{404, `{"error":{"message":"Not Found","code":2100}}`, true, "404 Not Found", "schedule PEMEA01 does not exist in PagerDuty"},
		{408, `{"error":{"message":"Request Timeout","code":2016}}`, false, "408 Request Timeout", ""},
		{429, `{"error":{"message":"Rate Limit Exceeded","code":2020}}`, false, "429 rate limited", ""},
		{500, `{"error":{"message":"Internal Server Error","code":2000}}`, false, "500 Internal Server Error", ""},
		{503, `<html>down</html>`, false, "503 Service Unavailable", ""},
	}
	for _, c := range cases {
		err := read(status(t, c.code, c.body))
		if err == nil || model.IsPermanent(err) != c.permanent || !strings.Contains(err.Error(), c.msg) || !strings.Contains(model.HintOf(err), c.hint) {
			t.Errorf("%d: %v (permanent %v, hint %q)", c.code, err, model.IsPermanent(err), model.HintOf(err))
			continue
		}
		var ae pd.APIError
		if !errors.As(err, &ae) || ae.StatusCode != c.code {
			t.Errorf("%d: the client's error is not in the chain: %#v", c.code, err)
		}
		if !strings.HasPrefix(err.Error(), "on-call for EMEA, AMER (PEMEA01): ") {
			t.Errorf("%d: says what failed: %v", c.code, err)
		}
	}
	if err := read("http://127.0.0.1:1"); err == nil || model.IsPermanent(err) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("network: %v", err)
	}
}

func TestErrorsAreShortAndClean(t *testing.T) {
	url := status(t, 400, "{\"error\":{\"message\":\"bad \\u001b[31mthing\",\"code\":2001,\"errors\":[\""+strings.Repeat("x", 500)+"\"]}}")
	_, err := New(url, "x", nil).Pages(context.Background())
	if err == nil || strings.Contains(err.Error(), "\x1b") || len(err.Error()) > 400 {
		t.Errorf("%q", err)
	}
}

// A body past httpx.MaxBody is refused as too large, not cut and decoded into a JSON error.
func TestAnAnswerTooLargeIsSaidSo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"user":{"name":"`)
		_, _ = w.Write(bytes.Repeat([]byte("a"), httpx.MaxBody))
		_, _ = io.WriteString(w, `"}}`)
	}))
	defer srv.Close()
	_, err := New(srv.URL, "pd-test", nil).currentUser(context.Background())
	if !errors.Is(err, httpx.ErrTooLarge) {
		t.Fatalf("a body past 32 MB gave %v", err)
	}
}
