package config_test

import (
	"errors"
	"io"
	"testing"

	"github.com/introw/conform/suite/config"
)

// TestPayouts: --payouts and CONFORM_PAYOUTS size the built-in server; with a base URL they
// are a usage error.
func TestPayouts(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		args []string
		env  map[string]string
		want int
		bad  bool
	}{
		{nil, nil, 0, false},
		{[]string{"--payouts", "1000000"}, nil, 1000000, false},
		{nil, map[string]string{"CONFORM_PAYOUTS": "25000"}, 25000, false},
		{[]string{"--payouts=180"}, map[string]string{"CONFORM_PAYOUTS": "25000"}, 180, false},
		{[]string{"--payouts", "-1"}, nil, 0, true},
		{[]string{"--payouts", "lots"}, nil, 0, true},
		{[]string{"--payouts", "5000001"}, nil, 0, true},
		{[]string{"--payouts", "10", "--base-url", "http://127.0.0.1:1"}, map[string]string{"CONFORM_API_KEY": "k"}, 0, true},
		{nil, map[string]string{"CONFORM_PAYOUTS": "10", "CONFORM_BASE_URL": "http://127.0.0.1:1", "CONFORM_API_KEY": "k"}, 0, true},
	} {
		cfg, err := config.Parse(c.args, env(c.env), io.Discard)
		switch {
		case c.bad && !errors.Is(err, config.ErrUsage):
			t.Errorf("%v %v: want a usage error, got %v", c.args, c.env, err)
		case !c.bad && err != nil:
			t.Errorf("%v %v: %v", c.args, c.env, err)
		case !c.bad && cfg.Payouts != c.want:
			t.Errorf("%v %v: payouts %d, want %d", c.args, c.env, cfg.Payouts, c.want)
		}
	}
}
