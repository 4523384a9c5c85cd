package model

import "testing"

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"kitten", "sitting", 3}, {"", "abc", 3}, {"été", "ete", 2}, {"incidnet", "incident", 1}, {"ab", "ba", 1}, {"same", "same", 0}} {
		if got := EditDistance(c.a, c.b); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d; want %d", c.a, c.b, got, c.want)
		}
	}
}
