// Package neterr turns transport failures into the few words an engineer needs on screen:
// "connection refused", "timed out". The clients wrap these errors in long messages with
// URLs (and go-pagerduty wraps them with %v, so only the text is left to read).
package neterr

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/httpx"
)

// Reason says briefly why err happened, or returns "" when err is not a transport failure
// or a malformed answer.
func Reason(err error) string {
	var dns *net.DNSError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(msg, "unexpected EOF"), strings.Contains(msg, "unexpected end of JSON input"):
		return "truncated response"
	case errors.As(err, &syntax), errors.As(err, &typ), strings.Contains(msg, "cannot unmarshal"),
		strings.Contains(msg, "UnmarshalJSON"), strings.Contains(msg, "invalid character"):
		return "malformed JSON"
	case errors.Is(err, httpx.ErrTooLarge), strings.Contains(msg, httpx.ErrTooLarge.Error()):
		return "response too large (over 32 MB)"
	case errors.Is(err, context.DeadlineExceeded), strings.Contains(msg, "context deadline exceeded"),
		strings.Contains(msg, "Client.Timeout exceeded"), strings.Contains(msg, "i/o timeout"):
		return "timed out"
	case errors.Is(err, context.Canceled), strings.Contains(msg, "context canceled"):
		return "cancelled"
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(msg, "connection refused"):
		return "connection refused"
	case errors.As(err, &dns), strings.Contains(msg, "no such host"):
		return "cannot resolve the host"
	case errors.Is(err, syscall.ECONNRESET), strings.Contains(msg, "connection reset"):
		return "connection reset"
	case strings.Contains(msg, "x509:"), strings.Contains(msg, "tls:"):
		return "TLS error: " + model.CleanLine(msg[strings.LastIndex(msg, ": ")+2:])
	case strings.Contains(msg, "EOF"):
		return "connection closed by the server"
	}
	return ""
}
