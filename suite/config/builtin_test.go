package config_test

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/introw/conform/suite/config"
)

// TestBuiltInServerOptions: --payouts/CONFORM_PAYOUTS size the built-in server and
// --latency/CONFORM_LATENCY slow it; a flag wins over its variable; with a base URL either is a
// usage error.
func TestBuiltInServerOptions(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	remote := map[string]string{"CONFORM_API_KEY": "k"}
	for _, c := range []struct {
		args    []string
		env     map[string]string
		payouts int
		latency time.Duration
		bad     bool
	}{
		{nil, nil, 0, 0, false},
		{[]string{"--payouts", "1000000"}, nil, 1000000, 0, false},
		{nil, map[string]string{"CONFORM_PAYOUTS": "25000"}, 25000, 0, false},
		{[]string{"--payouts=180"}, map[string]string{"CONFORM_PAYOUTS": "25000"}, 180, 0, false},
		{[]string{"--payouts", "-1"}, nil, 0, 0, true},
		{[]string{"--payouts", "lots"}, nil, 0, 0, true},
		{[]string{"--payouts", "5000001"}, nil, 0, 0, true},
		{[]string{"--payouts", "10", "--base-url", "http://127.0.0.1:1"}, remote, 0, 0, true},
		{nil, map[string]string{"CONFORM_PAYOUTS": "10", "CONFORM_BASE_URL": "http://127.0.0.1:1", "CONFORM_API_KEY": "k"}, 0, 0, true},
		{[]string{"--latency", "20ms"}, nil, 0, 20 * time.Millisecond, false},
		{nil, map[string]string{"CONFORM_LATENCY": "80ms"}, 0, 80 * time.Millisecond, false},
		{[]string{"--latency=5ms", "--payouts", "180"}, map[string]string{"CONFORM_LATENCY": "80ms"}, 180, 5 * time.Millisecond, false},
		{[]string{"--latency", "-1s"}, nil, 0, 0, true},
		{[]string{"--latency", "soon"}, nil, 0, 0, true},
		{[]string{"--latency", "20ms", "--base-url", "http://127.0.0.1:1"}, remote, 0, 0, true},
		{nil, map[string]string{"CONFORM_LATENCY": "20ms", "CONFORM_BASE_URL": "http://127.0.0.1:1", "CONFORM_API_KEY": "k"}, 0, 0, true},
	} {
		cfg, err := config.Parse(c.args, env(c.env), io.Discard)
		switch {
		case c.bad && !errors.Is(err, config.ErrUsage):
			t.Errorf("%v %v: want a usage error, got %v", c.args, c.env, err)
		case !c.bad && err != nil:
			t.Errorf("%v %v: %v", c.args, c.env, err)
		case !c.bad && (cfg.Payouts != c.payouts || cfg.Latency != c.latency):
			t.Errorf("%v %v: payouts %d latency %s, want %d %s", c.args, c.env, cfg.Payouts, cfg.Latency, c.payouts, c.latency)
		}
	}
}
