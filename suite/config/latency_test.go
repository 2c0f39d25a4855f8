package config_test

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/introw/conform/suite/config"
)

// TestLatency: --latency and CONFORM_LATENCY slow the built-in server; with a base URL they are
// a usage error.
func TestLatency(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		args []string
		env  map[string]string
		want time.Duration
		bad  bool
	}{
		{nil, nil, 0, false},
		{[]string{"--latency", "20ms"}, nil, 20 * time.Millisecond, false},
		{nil, map[string]string{"CONFORM_LATENCY": "80ms"}, 80 * time.Millisecond, false},
		{[]string{"--latency=5ms"}, map[string]string{"CONFORM_LATENCY": "80ms"}, 5 * time.Millisecond, false},
		{[]string{"--latency", "-1s"}, nil, 0, true},
		{[]string{"--latency", "soon"}, nil, 0, true},
		{[]string{"--latency", "20ms", "--base-url", "http://127.0.0.1:1"}, map[string]string{"CONFORM_API_KEY": "k"}, 0, true},
		{nil, map[string]string{"CONFORM_LATENCY": "20ms", "CONFORM_BASE_URL": "http://127.0.0.1:1", "CONFORM_API_KEY": "k"}, 0, true},
	} {
		cfg, err := config.Parse(c.args, env(c.env), io.Discard)
		switch {
		case c.bad && !errors.Is(err, config.ErrUsage):
			t.Errorf("%v %v: want a usage error, got %v", c.args, c.env, err)
		case !c.bad && err != nil:
			t.Errorf("%v %v: %v", c.args, c.env, err)
		case !c.bad && cfg.Latency != c.want:
			t.Errorf("%v %v: latency %s, want %s", c.args, c.env, cfg.Latency, c.want)
		}
	}
}
