// Package engine runs the rule catalog against a server: it plans the requests of each
// workflow (auth, parameters, filters, pagination, rate limits, schema), sends them through the
// client, applies the per-response rules to every observation and the cross-request rules to
// the plans, and collects findings per rule. The Ginkgo specs in suite/ and the kill matrix both
// drive it; it knows nothing of either.
package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/rules"
)

// Profile decides whether strict rules fail the run or only warn.
type Profile string

// The profiles.
const (
	StrictProfile  Profile = "strict"
	LenientProfile Profile = "lenient"
)

// Config configures a run.
type Config struct {
	Contract *contract.Contract
	Client   *client.Client
	Seed     uint64
	Profile  Profile
	Examples int  // rapid examples per property (0: DefaultExamples, or 30 when Thorough)
	Thorough bool // the deeper sweeps of a nightly run (every date edge on every date parameter, more boundaries, page sizes and lookups)
}

// DefaultExamples is the rapid examples per property of a default (not thorough) run.
const DefaultExamples = 6

// depth is how far the deterministic sweeps go: the default run spends one probe per class of
// value where it can; a thorough run tries every value on every parameter.
type depth struct {
	boundaries  int   // date boundary values per date filter
	members     int   // items of the head looked up by their own values
	limits      []int // page sizes the page-size sweep walks
	limitPages  int   // pages walked at each of them
	smallPages  int   // pages of the slice's walk at a small page size
	aloneValues int   // equality values sent alone (outside the slice) per filter
	everyDate   bool  // every date edge on every date parameter (else each edge on one, in turn)
	allCases    bool  // every wrong-case form of every enum member (else lower case for each, title case for one)
	keptPages   int   // pages each filters-kept walk spans
	defaultWalk bool  // walk the slice at the default page size too (else only at a small one)
	nearMisses  int   // real values each near-miss set is built from
}

func depthFor(thorough bool) depth {
	if thorough {
		return depth{boundaries: 40, members: 16, limits: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 25, 99}, limitPages: 4,
			smallPages: 25, aloneValues: 8, everyDate: true, allCases: true, keptPages: 4, defaultWalk: true, nearMisses: 2}
	}
	return depth{boundaries: 12, members: 12, limits: []int{1, 2, 3, 7}, limitPages: 3, smallPages: 12, aloneValues: 2,
		keptPages: 2, nearMisses: 1}
}

// Status is a rule's verdict.
type Status string

// The verdicts.
const (
	Pass      Status = "pass"
	Fail      Status = "fail"
	Warn      Status = "warn" // a strict rule failing under the lenient profile
	Skip      Status = "skip" // the rule could not run (a key was not given, or it was not selected)
	NotRun    Status = "not-run"
	CutOff    Status = "cut-short" // the request budget ran out before the rule finished
	Error     Status = "error"     // conform failed to run the rule (its own bug)
	Known     Status = "known"     // a violation the baseline accepts
	maxKept          = 5           // findings shown per rule (the count goes on)
	maxStored        = 200         // findings stored per rule, from which the shown ones are picked
)

// Finding is one violation of one rule, with the evidence to reproduce it.
type Finding struct {
	Rule     rules.ID `json:"rule"`
	Message  string   `json:"message"`            // what was expected and what came back
	Request  string   `json:"request"`            // the query, e.g. "?limit=0"
	Curl     string   `json:"curl"`               // a one-line curl that reproduces it (keys by variable)
	Status   int      `json:"status,omitempty"`   // the response status (0: no answer)
	Path     string   `json:"path,omitempty"`     // the offending JSON path in the body
	Value    string   `json:"value,omitempty"`    // the offending value
	Excerpt  string   `json:"excerpt,omitempty"`  // the start of the body
	Minimal  bool     `json:"minimal,omitempty"`  // shrunk by rapid to a minimal input
	Sequence []string `json:"sequence,omitempty"` // earlier requests the finding depends on (e.g. the pages of a walk)
}

// Result is a rule's outcome in a run.
type Result struct {
	Rule       rules.Rule    `json:"rule"`
	Status     Status        `json:"status"`
	Findings   []Finding     `json:"findings,omitempty"`
	Violations int           `json:"violations"`
	Reason     string        `json:"reason,omitempty"` // why skipped or cut short
	Requests   int           `json:"requests"`         // requests sent by the rule's workflow
	Duration   time.Duration `json:"duration"`
}

// Engine runs the catalog against one server.
type Engine struct {
	cfg       Config
	c         *contract.Contract
	cl        *client.Client
	mu        sync.Mutex
	results   map[rules.ID]*Result
	ran       map[rules.Area]bool
	corpus    *corpus
	corpusM   sync.Mutex
	halted    map[rules.Area]error     // why a workflow that stopped early stopped
	shared    map[string]*sharedAnswer // answers to the valid key's requests, by query (see send)
	followUps []client.Request         // first pages to ask for once every workflow has run (see followUp)
	start     sync.Once
	done      map[rules.Area]chan struct{} // closed when an area's workflow has run (or is not run)
	all       chan struct{}                // closed when every workflow of the run has run
	chosen    map[rules.ID]bool            // rules a caller selected (nil: all)
	judgedN   map[rules.ID]int             // usable answers each rule judged (a rule passes only with evidence)
	status    map[int]int                  // HTTP answers by status, for the run's one-line hint
	notes     map[rules.ID]string          // why a rule may end up without evidence
	depth     depth
	served    sync.Map // queries answered 200 to the valid key (see servedValid)
}

// note records why a rule may have nothing to judge (said only if it ends without evidence).
func (e *Engine) note(id rules.ID, why string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notes[id] = why
}

// judged records that each rule judged one usable answer of the kind it is about: a rule with
// no evidence never passes (it is reported as not checked, and the run as incomplete).
func (e *Engine) judged(ids ...rules.ID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range ids {
		e.judgedN[id]++
	}
}

// SelectOnly starts a selection: from now on only rules passed to Select are reported (the
// others show as not run), so a label filter that picks some rules of an area does not report
// the rest of the area as passed.
func (e *Engine) SelectOnly() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.chosen = map[rules.ID]bool{}
}

// Select adds a rule to the selection.
func (e *Engine) Select(id rules.ID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.chosen != nil {
		e.chosen[id] = true
	}
}

// New prepares an engine.
func New(cfg Config) *Engine {
	if cfg.Examples <= 0 {
		cfg.Examples = DefaultExamples
		if cfg.Thorough {
			cfg.Examples = 30
		}
	}
	if cfg.Profile == "" {
		cfg.Profile = StrictProfile
	}
	e := &Engine{cfg: cfg, c: cfg.Contract, cl: cfg.Client, results: map[rules.ID]*Result{}, ran: map[rules.Area]bool{},
		judgedN: map[rules.ID]int{}, status: map[int]int{}, notes: map[rules.ID]string{}, depth: depthFor(cfg.Thorough),
		halted: map[rules.Area]error{}, shared: map[string]*sharedAnswer{}, done: map[rules.Area]chan struct{}{}, all: make(chan struct{})}
	for _, a := range rules.Areas() {
		e.done[a] = make(chan struct{})
	}
	for _, r := range rules.Catalog {
		e.results[r.ID] = &Result{Rule: r, Status: NotRun}
	}
	return e
}

// ErrUnreachable means the server gave no HTTP answer to the first request.
var ErrUnreachable = errors.New("target unreachable")

// Preflight sends one plain request and reports ErrUnreachable when no HTTP answer came.
func (e *Engine) Preflight(ctx context.Context) error {
	obs, err := e.cl.Do(ctx, client.Request{Key: client.Key{Kind: client.KeyValid}}, true)
	if err != nil {
		return err
	}
	if obs.Err != nil && !obs.Err.Connected {
		// no connection at all (refused, unknown host, TLS refused): nothing to certify. A server
		// that accepts the connection and then hangs, drips or breaks is reachable: the run goes
		// on and TRANSPORT-ANSWER reports it.
		return fmt.Errorf("%w: %s", ErrUnreachable, obs.Err.Msg)
	}
	e.inspect(obs, e)
	return nil
}

// RunArea runs the workflow of one area, once per engine. The per-response rules judge every
// observation of the run, whichever area sent it, so their verdicts are final only when the
// last selected area has run.
func (e *Engine) RunArea(ctx context.Context, a rules.Area) {
	e.mu.Lock()
	if e.ran[a] {
		e.mu.Unlock()
		return
	}
	e.ran[a] = true
	e.mu.Unlock()
	start := time.Now()
	ctx = client.WithTag(ctx, string(a))
	if wf := workflows[a]; wf != nil {
		func() {
			defer func() {
				if r := recover(); r != nil {
					e.internal(a, fmt.Sprint(r))
				}
			}()
			wf(ctx, e)
		}()
	}
	sent := e.cl.Counts()
	usable, usableAll := e.cl.Usable()
	e.mu.Lock()
	halted := e.halted[a]
	delete(e.halted, a)
	for _, r := range rules.InArea(a) {
		res := e.results[r.ID]
		res.Duration = time.Since(start)
		if res.Violations > 0 || res.Status == Skip || res.Status == Error {
			continue
		}
		switch {
		case halted != nil:
			// a workflow that stopped early leaves its later rules unproven: never call them passed
			res.Status, res.Reason = CutOff, stopReason(halted)
		case usableAll == 0 || sent[string(r.ID)] > 0 && usable[string(r.ID)] == 0:
			res.Status, res.Reason = CutOff, "no usable answer to judge (see TRANSPORT-ANSWER)"
		}
	}
	e.mu.Unlock()
}

// RunAll runs every selected area and returns when all have run (Start, then Await).
func (e *Engine) RunAll(ctx context.Context) {
	e.Start(ctx)
	select {
	case <-e.all:
	case <-ctx.Done():
	}
}

// Start runs the workflows of the selected rules' areas in the background, once per engine: the
// rate-limit area alone first (its remaining-count probes must not share the key's window with
// other traffic), then the others together, their independent plans in flight at once when the
// client sends several requests at a time (one after another, in a fixed order, when it sends
// one). Await tells when a rule's evidence is in.
func (e *Engine) Start(ctx context.Context) {
	e.start.Do(func() {
		wanted := e.wantedAreas()
		run := func(a rules.Area) func(context.Context) bool {
			return func(ctx context.Context) bool {
				defer close(e.done[a])
				if wanted[a] {
					e.RunArea(ctx, a)
				}
				return true
			}
		}
		go func() {
			defer close(e.all)
			run(rules.RateLimits)(ctx)
			var plans []func(context.Context) bool
			for _, a := range rules.Areas() {
				if a != rules.RateLimits {
					plans = append(plans, run(a))
				}
			}
			e.parallel(ctx, plans...)
			e.sendFollowUps(ctx)
		}()
	})
}

// wantedAreas are the areas whose workflows a run needs: those of the selected rules (every
// area when nothing was selected, or when a rule judged on every response was: its evidence is
// every workflow's traffic).
func (e *Engine) wantedAreas() map[rules.Area]bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[rules.Area]bool{}
	for _, r := range rules.Catalog {
		if e.chosen == nil || e.chosen[r.ID] {
			if perResponse[r.ID] {
				for _, a := range rules.Areas() {
					out[a] = true
				}
			}
			out[r.Area] = true
		}
	}
	return out
}

// Await blocks until the evidence for a rule is in: its area's workflow has run, and, for a rule
// that other workflows' answers also feed (ownAreaOnly), every workflow of the run. It starts the
// run if Start was not called.
func (e *Engine) Await(ctx context.Context, id rules.ID) error {
	e.Start(ctx)
	r, ok := rules.Lookup(id)
	if !ok {
		return fmt.Errorf("engine: unknown rule %s", id)
	}
	wait := e.all
	if ownAreaOnly[id] {
		wait = e.done[r.Area]
	}
	select {
	case <-wait:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// each runs n independent probes (one request or a short sequence each) as parallel plans.
func (e *Engine) each(ctx context.Context, n int, probe func(ctx context.Context, i int) bool) bool {
	plans := make([]func(context.Context) bool, n)
	for i := range plans {
		plans[i] = func(ctx context.Context) bool { return probe(ctx, i) }
	}
	return e.parallel(ctx, plans...)
}

// AwaitArea blocks until an area's workflow has run (or is known not to run); it starts the
// run if Start was not called.
func (e *Engine) AwaitArea(ctx context.Context, a rules.Area) error {
	e.Start(ctx)
	ch, ok := e.done[a]
	if !ok {
		return fmt.Errorf("engine: unknown area %s", a)
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ownAreaOnly are the rules only their own area's workflow judges: their verdict is final as soon
// as that workflow has run. Every other rule is also fed by other workflows' answers (the
// per-response rules, and the page and filter rules every walk and filtered request checks).
var ownAreaOnly = map[rules.ID]bool{
	rules.AuthMissingKey: true, rules.AuthInvalidKey: true, rules.AuthRevokedKey: true, rules.AuthNoScope: true,
	rules.ParamInvalid422: true, rules.ParamLimitBounds: true, rules.ParamDatePattern: true, rules.ParamDefaultLimit: true,
	rules.FilterComplete: true, rules.PageForeignCursor: true, rules.RateDecreasing: true, rules.Rate429OnExhaustion: true,
}

// parallel runs independent plans and reports whether all of them finished (none stopped):
// together when the client sends several requests at a time, else one after another in the
// order given, stopping at the first that stops (so --concurrency 1 sends the same requests in
// the same order on every run).
func (e *Engine) parallel(ctx context.Context, plans ...func(context.Context) bool) bool {
	if e.cl.Config().Concurrency <= 1 {
		for _, p := range plans {
			if !p(ctx) {
				return false
			}
		}
		return true
	}
	var wg sync.WaitGroup
	var stopped atomic.Bool
	var panicked atomic.Value // a plan's panic, raised again here (RunArea reports it)
	for _, p := range plans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					panicked.Store(fmt.Sprint(r))
				}
			}()
			if !p(ctx) {
				stopped.Store(true)
			}
		}()
	}
	wg.Wait()
	if r := panicked.Load(); r != nil {
		panic(r)
	}
	return !stopped.Load()
}

// shown picks the findings a report shows, the same ones whatever order concurrent plans found
// them in: inputs shrunk by rapid first, then the shortest requests.
func shown(fs []Finding) []Finding {
	out := slices.Clone(fs)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Minimal != b.Minimal:
			return a.Minimal
		case len(a.Request) != len(b.Request):
			return len(a.Request) < len(b.Request)
		case a.Request != b.Request:
			return a.Request < b.Request
		}
		return a.Message < b.Message
	})
	if len(out) > maxKept {
		out = out[:maxKept]
	}
	return out
}

// Result returns the verdict of one rule so far; rules that found nothing pass once their area ran.
func (e *Engine) Result(id rules.ID) Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := *e.results[id]
	res.Findings = shown(res.Findings)
	res.Requests = e.cl.Counts()[string(id)]
	return e.verdict(res)
}

func (e *Engine) verdict(res Result) Result {
	if e.chosen != nil && !e.chosen[res.Rule.ID] {
		res.Status, res.Reason = NotRun, "not selected"
		return res
	}
	switch {
	case res.Status == Skip, res.Status == Error:
	case res.Violations > 0 && res.Rule.Level == rules.Strict && e.cfg.Profile == LenientProfile:
		res.Status = Warn
	case res.Violations > 0:
		res.Status = Fail
	case res.Status == CutOff:
	case (e.ran[res.Rule.Area] || perResponse[res.Rule.ID] && len(e.ran) > 0) && e.judgedN[res.Rule.ID] == 0 && e.headerless(res.Rule.ID):
		res.Status, res.Reason = Skip, "the server sends no rate-limit headers on 200 (see RATE-HEADERS-PRESENT), so there are none to judge"
	case (e.ran[res.Rule.Area] || perResponse[res.Rule.ID] && len(e.ran) > 0) && !anyAnswer[res.Rule.ID] && e.status[e.c.SuccessStatus()] == 0:
		res.Status, res.Reason = CutOff, fmt.Sprintf("not checked: no request got %d, so the listing was never reached", e.c.SuccessStatus())
		if h := e.hintLocked(); h != "" {
			res.Reason += " (" + h + ")"
		}
	case (e.ran[res.Rule.Area] || perResponse[res.Rule.ID] && len(e.ran) > 0) && e.judgedN[res.Rule.ID] == 0:
		res.Status, res.Reason = CutOff, "not checked: no usable answer of the kind this rule judges"
		if n := e.notes[res.Rule.ID]; n != "" {
			res.Reason = "not checked: " + n
		}
		if h := e.hintLocked(); h != "" {
			res.Reason += " (" + h + ")"
		}
	case e.ran[res.Rule.Area] || perResponse[res.Rule.ID] && len(e.ran) > 0:
		res.Status = Pass
	}
	return res
}

// anyAnswer are the rules any HTTP answer is evidence for; every other rule passes only in a
// run where the operation answered the valid key with its success status at least once (a
// wrong base URL answers 404 to everything, and a 404 must not pass a rule that accepts any 4xx).
var anyAnswer = map[rules.ID]bool{rules.TransportAnswer: true, rules.StatusNo5XX: true, rules.StatusDocumented: true,
	rules.SchemaContentType: true, rules.SchemaBody: true}

// headerless reports whether a rate-limit rule has nothing to judge because the server sends no
// rate-limit headers at all (RATE-HEADERS-PRESENT says so, failing or warning by profile).
func (e *Engine) headerless(id rules.ID) bool {
	if id != rules.RateHeadersFormat && id != rules.RateDecreasing {
		return false
	}
	p := e.results[rules.RateHeadersPresent]
	return p != nil && p.Violations > 0
}

// Results returns every rule's verdict in catalog order.
func (e *Engine) Results() []Result {
	out := make([]Result, 0, len(rules.Catalog))
	for _, r := range rules.Catalog {
		out = append(out, e.Result(r.ID))
	}
	return out
}

// Failed reports whether any rule failed (warnings do not fail).
func (e *Engine) Failed() bool {
	for _, r := range e.Results() {
		if r.Status == Fail {
			return true
		}
	}
	return false
}

// Fired lists the IDs of rules with violations (failed or warned), sorted.
func (e *Engine) Fired() []rules.ID {
	var out []rules.ID
	for _, r := range e.Results() {
		if r.Violations > 0 {
			out = append(out, r.Rule.ID)
		}
	}
	slices.Sort(out)
	return out
}

// Hint is one line for a run whose answers are nearly all statuses the operation does not
// document (a wrong base URL, a proxy in the way), "" otherwise.
func (e *Engine) Hint() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hintLocked()
}

func (e *Engine) hintLocked() string {
	total, undocumented, top, topN := 0, 0, 0, 0
	for st, n := range e.status {
		total += n
		if e.c.Response(st) == nil {
			undocumented += n
			if n > topN || n == topN && st < top {
				top, topN = st, n
			}
		}
	}
	switch {
	case total == 0 || undocumented*10 < total*9:
		return ""
	case topN == total:
		return fmt.Sprintf("every request got %d: is the base URL right?", top)
	}
	return fmt.Sprintf("%d of %d requests got a status the operation does not document (mostly %d): is the base URL right?", undocumented, total, top)
}

// Requests is the number of requests sent.
func (e *Engine) Requests() int { return e.cl.Sent() }

// RequestsByTag is the number of requests each plan sent: rule IDs, area names for requests
// of an area not tied to one rule, "corpus" for the shared walk of the whole listing.
func (e *Engine) RequestsByTag() map[string]int { return e.cl.Counts() }

// add records a finding (the engine is the direct sink).
func (e *Engine) add(f Finding) {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := e.results[f.Rule]
	if res == nil {
		panic("engine: finding for unknown rule " + f.Rule)
	}
	res.Violations++
	if len(res.Findings) < maxStored {
		res.Findings = append(res.Findings, f)
	}
}

// skip marks a rule skipped with a reason.
func (e *Engine) skip(id rules.ID, reason string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := e.results[id]
	if res.Violations == 0 {
		res.Status, res.Reason = Skip, reason
	}
}

// internal marks the rules of an area that conform itself failed to run (a bug in conform,
// never the server's fault): the run cannot be called conformant.
func (e *Engine) internal(a rules.Area, why string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range rules.InArea(a) {
		res := e.results[r.ID]
		res.Status, res.Reason = Error, "conform internal error: "+why
	}
}

// cutShort marks a rule whose workflow could not finish: the budget ran out, the server kept
// answering 429, or the run was interrupted.
func (e *Engine) cutShort(id rules.ID, why error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := e.results[id]
	if res.Status != Skip {
		res.Status, res.Reason = CutOff, stopReason(why)
	}
}

func stopReason(err error) string {
	switch {
	case errors.Is(err, client.ErrBudget):
		return "the request budget (--max-requests) ran out before the rule finished"
	case errors.Is(err, client.ErrGaveUp):
		return "the server stopped giving usable answers (see TRANSPORT-ANSWER), so conform stopped asking"
	case errors.Is(err, client.ErrRateLimited):
		return "the server kept answering 429 after conform waited out its window"
	case errors.Is(err, context.DeadlineExceeded):
		return "the run's deadline passed before the rule finished"
	case errors.Is(err, context.Canceled):
		return "the run was interrupted before the rule finished"
	}
	return "stopped: " + fmt.Sprint(err)
}
