package report

import (
	"sort"
	"strings"
)

// MinRedactLen is the shortest key the Redactor can find in free text without garbling it: a
// shorter key ("1", "x") is a piece of ordinary words and numbers, so it is redacted only where
// it stands as the value of a key header or variable (a header line, a curl line, an export).
const MinRedactLen = 8

// Placeholder replaces a key.
const Placeholder = "[REDACTED]"

// Redactor removes API keys from text. A key is redacted as a whole value, never inside a word
// or a number:
//   - a key of MinRedactLen characters or more wherever it begins a token (a token is a run of
//     letters, digits, '_' and '-'), in any letter case: a response that echoes the key, the key
//     in a URL, the key with characters appended (as the invalid-key probes send it);
//   - a key of any length where it is the whole value of a key header or variable
//     (`x-api-key: KEY`, `CONFORM_API_KEY=KEY`), in any letter case.
//
// Findings and curl lines never carry a key in the first place (they name it by its variable);
// the Redactor is the net under every output.
type Redactor struct {
	secrets []string // longest first
	names   []string // lower-case header and variable names whose values are keys
}

// keyNames are the names whose values are keys, besides the spec's key header (WithHeader).
var keyNames = []string{"x-api-key", "authorization", "conform_api_key", "conform_no_scope_key", "conform_revoked_key", "conform_rate_limit_key"}

// NewRedactor redacts the given secrets (empty ones are ignored).
func NewRedactor(secrets ...string) Redactor {
	r := Redactor{names: keyNames}
	for _, s := range secrets {
		if s != "" {
			r.secrets = append(r.secrets, s)
		}
	}
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// WithHeader returns a Redactor that also treats the value of the named header as a key (the
// spec's API key header).
func (r Redactor) WithHeader(name string) Redactor {
	if name != "" {
		r.names = append(append([]string(nil), r.names...), strings.ToLower(name))
	}
	return r
}

// TooShort reports whether a key is too short to be redacted from free text (see MinRedactLen).
func TooShort(key string) bool { return key != "" && len(key) < MinRedactLen }

// Redact returns s without any secret.
func (r Redactor) Redact(s string) string {
	if len(r.secrets) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		n := r.match(s, i)
		if n == 0 {
			continue
		}
		if last == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		b.WriteString(Placeholder)
		i += n - 1
		last = i + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// match returns the length of the secret to redact at s[i:] (0: none).
func (r Redactor) match(s string, i int) int {
	if i > 0 && isWord(s[i-1]) {
		return 0 // inside a word or a number
	}
	for _, k := range r.secrets {
		end := i + len(k)
		if end > len(s) || !strings.EqualFold(s[i:end], k) {
			continue
		}
		whole := end == len(s) || !isWord(s[end])
		switch {
		case len(k) >= MinRedactLen:
			return len(k)
		case whole && r.keyValue(s, i):
			return len(k)
		}
	}
	return 0
}

// keyValue reports whether s[i:] is the value of a key header or variable: a known name, ':' or
// '=', then optional spaces and quotes.
func (r Redactor) keyValue(s string, i int) bool {
	j := i
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '"' || s[j-1] == '\'' || s[j-1] == '\t') {
		j--
	}
	if j == 0 || (s[j-1] != ':' && s[j-1] != '=') {
		return false
	}
	j--
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '"' || s[j-1] == '\'' || s[j-1] == '\t') {
		j--
	}
	start := j
	for start > 0 && isWord(s[start-1]) {
		start--
	}
	name := strings.ToLower(s[start:j])
	for _, n := range r.names {
		if name == n {
			return true
		}
	}
	return false
}

// isWord reports whether c can be part of a token a key might stand in: letters, digits, '_'
// and '-' (bytes of multi-byte UTF-8 characters count as letters).
func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c >= 0x80
}
