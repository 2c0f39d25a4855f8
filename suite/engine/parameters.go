package engine

import (
	"context"
	"github.com/introw/conform/suite/rules"
	"slices"
	"strconv"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/introw/conform/generators"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/instant"
)

// parametersWorkflow: limit bounds, the default limit, valid and invalid values of every
// parameter, the date pattern, and filters that match nothing.
func parametersWorkflow(ctx context.Context, e *Engine) {
	prop := func(id rules.ID, p func(context.Context, *rapid.T, *example) error) func(context.Context) bool {
		return func(ctx context.Context) bool { return !e.stopped(e.property(ctx, id, p), id) }
	}
	e.parallel(ctx,
		func(ctx context.Context) bool { return e.limitBounds(ctx) && e.defaultLimit(ctx) },
		e.edges,
		func(ctx context.Context) bool { return e.equalBounds(ctx) && e.emptyMatch(ctx) },
		prop(rules.ParamValid200, e.validCombination(ctx)),
		prop(rules.ParamInvalid422, e.invalidValue(ctx)),
		prop(rules.ParamDatePattern, e.datePattern()),
	)
}

// edges sends, one parameter at a time, the values where faults hide: every enum member (and
// its wrong-case forms), the integer bounds' neighbours and non-integers, and the date edges,
// each expected to get 200 or 422 as the spec's schema classifies it. A refused value that is
// accepted breaks PARAM-INVALID-422 too (and PARAM-DATE-PATTERN for dates).
func (e *Engine) edges(ctx context.Context) bool {
	var probes []edgeProbe
	dateNo, dates := 0, 0
	for _, p := range e.c.Params {
		if p.IsDate && p.Pattern != nil {
			dates++
		}
	}
	var validDates []edgeProbe // valid date edges, paired below: a window of two valid bounds must get 200 too
	for _, p := range e.c.Params {
		var values []string
		rule := rules.ParamValid200
		switch {
		case len(p.Enum) > 0:
			values = append(values, p.Enum...)
			for i, v := range p.Enum {
				values = append(values, strings.ToLower(v))
				if e.depth.allCases || i == 0 {
					values = append(values, strings.ToUpper(v[:1])+strings.ToLower(v[1:]))
				}
			}
		case p.IsDate && p.Pattern != nil:
			rule = rules.ParamDatePattern
			for i, v := range generators.DateEdges() {
				// one probe per class of date: each edge on one date parameter, in turn
				if e.depth.everyDate || i%dates == dateNo {
					if p.Valid(v) && dates > 1 {
						validDates = append(validDates, edgeProbe{p: &p, v: v, rule: rule})
						continue
					}
					values = append(values, v)
				}
			}
			dateNo++
		case p.Type == "integer" && p.Minimum != nil && p.Maximum != nil:
			lo, hi := int(*p.Minimum), int(*p.Maximum)
			values = []string{"-1", "1.5", "abc", strconv.Itoa(hi * 10)} // lo-1 and hi+1: limitBounds
			if e.c.PageSize() == nil || e.c.PageSize().Name != p.Name {
				values = append(values, strconv.Itoa(lo-1), strconv.Itoa(hi+1))
			}
		case p.Role == contract.RoleEquals && p.Type == "string":
			values = generators.OddStrings(&p)
		}
		for _, v := range values {
			probes = append(probes, edgeProbe{p: &p, v: v, rule: rule})
		}
	}
	probes = append(probes, e.pairDates(validDates)...)
	probes, groups := e.groupValid(probes)
	return e.each(ctx, len(probes)+len(groups), func(ctx context.Context, i int) bool {
		if i >= len(probes) {
			return e.validGroup(ctx, groups[i-len(probes)])
		}
		// an invalid value (groupValid took the valid ones): 422, which PARAM-INVALID-422 and
		// the value's own rule (PARAM-DATE-PATTERN for a date) both judge
		p, v := probes[i].p, probes[i].v
		ids := []rules.ID{rules.ParamInvalid422}
		if probes[i].rule != rules.ParamValid200 {
			ids = []rules.ID{probes[i].rule, rules.ParamInvalid422}
		}
		_, _, err := e.expectStatus(client.WithTag(ctx, ids[0]), e, base(client.Param{Name: p.Name, Value: v}), e.c.ValidationStatus(), p.Name+"="+v+" outside its schema", ids...)
		return !e.stopped(err, ids[0])
	})
}

// groupValid takes the valid values out of the edge probes and sends them together: value k of
// every parameter in one request (valid values together must get 200 as well as alone), so the
// valid edges of all parameters cost as many requests as the longest list of them. What is left
// (the invalid values) goes one value a request.
func (e *Engine) groupValid(probes []edgeProbe) (rest []edgeProbe, groups [][]edgeProbe) {
	lists := map[string][]edgeProbe{} // by the parameter (a date pair by its lower bound's)
	var order []string
	for _, pr := range probes {
		if !pr.p.Valid(pr.v) {
			rest = append(rest, pr)
			continue
		}
		if _, seen := lists[pr.p.Name]; !seen {
			order = append(order, pr.p.Name)
		}
		lists[pr.p.Name] = append(lists[pr.p.Name], pr)
	}
	for k := 0; ; k++ {
		var g []edgeProbe
		taken := map[string]bool{}
		for _, name := range order {
			if k >= len(lists[name]) {
				continue
			}
			pr := lists[name][k]
			if taken[pr.p.Name] || pr.with != nil && taken[pr.with.Name] {
				continue
			}
			taken[pr.p.Name] = true
			if pr.with != nil {
				taken[pr.with.Name] = true
			}
			g = append(g, pr)
		}
		if len(g) == 0 {
			return rest, groups
		}
		groups = append(groups, g)
	}
}

// validGroup sends valid values of several parameters together and expects 200. When the answer
// is not 200, each value (or date pair) is sent alone, so the finding names the value at fault;
// if every one alone gets 200, the combination is the finding.
func (e *Engine) validGroup(ctx context.Context, g []edgeProbe) bool {
	params := func(pr edgeProbe) []client.Param {
		ps := []client.Param{{Name: pr.p.Name, Value: pr.v}}
		if pr.with != nil {
			ps = append(ps, *pr.with)
		}
		return ps
	}
	var all []client.Param
	id := rules.ParamValid200
	for _, pr := range g {
		all = append(all, params(pr)...)
		if pr.rule == rules.ParamDatePattern {
			id = rules.ParamDatePattern
		}
	}
	o, ok, err := e.send(client.WithTag(ctx, id), e, base(all...))
	if e.stopped(err, id) {
		return false
	}
	if !ok {
		return true
	}
	e.judged(id)
	if o.Status == e.c.SuccessStatus() {
		for _, pr := range g {
			e.judged(pr.rule)
		}
		return true
	}
	alone := 0
	for _, pr := range g {
		r := base(params(pr)...)
		why := "valid values (" + r.String() + ") within their schemas"
		_, broke, err := e.expectStatus(client.WithTag(ctx, pr.rule), e, r, e.c.SuccessStatus(), why, pr.rule)
		if e.stopped(err, pr.rule) {
			return false
		}
		if broke {
			alone++
		}
	}
	if alone == 0 {
		e.add(e.finding(id, o, "expected %d for valid values sent together (%s), each of which gets %d alone; got %d",
			e.c.SuccessStatus(), base(all...).String(), e.c.SuccessStatus(), o.Status))
	}
	return true
}

// edgeProbe is one request of the edge sweep: a value of one parameter, and sometimes a second
// valid value sent along.
type edgeProbe struct {
	p    *contract.Param
	v    string
	rule rules.ID
	with *client.Param // a second valid value (valid date edges go two at a time)
}

// pairDates sends valid date edges two at a time, one on each bound of the period window (the
// lower bound no later than the upper, so the pair is a window a client sends, not a reversed
// one): every valid edge is still sent, in half the requests. An edge without a partner, or
// without a pair of period bounds in the spec, goes alone.
func (e *Engine) pairDates(valid []edgeProbe) []edgeProbe {
	from, to := e.periodBounds()
	if from == nil || to == nil {
		return valid
	}
	var out []edgeProbe
	for i := 0; i < len(valid); i += 2 {
		if i+1 == len(valid) {
			out = append(out, valid[i])
			break
		}
		a, b := valid[i].v, valid[i+1].v
		ia, errA := instant.Parse(a)
		ib, errB := instant.Parse(b)
		if errA != nil || errB != nil || !from.Valid(a) || !to.Valid(b) || !from.Valid(b) || !to.Valid(a) {
			out = append(out, valid[i], valid[i+1])
			continue
		}
		if instant.Compare(ia, ib) > 0 {
			a, b = b, a
		}
		out = append(out, edgeProbe{p: from, v: a, rule: valid[i].rule, with: &client.Param{Name: to.Name, Value: b}})
	}
	return out
}

// equalBounds sends a period window that opens and closes on the same instant (valid: 200,
// whatever it matches), at an instant the data holds and at a whole day.
func (e *Engine) equalBounds(ctx context.Context) bool {
	from, to := e.periodBounds()
	if from == nil || to == nil {
		return true
	}
	ats := []instant.Instant{{Sec: 1709164800}} // 2024-02-29T00:00:00Z
	if is := e.getCorpus(ctx).pool.Instants[from.Name]; len(is) > 0 {
		ats = append(ats, is[0])
	}
	for _, at := range ats {
		v := at.Format(max(len(at.Frac), 3))
		if !from.Valid(v) || !to.Valid(v) {
			continue
		}
		r := base(client.Param{Name: from.Name, Value: v}, client.Param{Name: to.Name, Value: v})
		if _, _, err := e.expectStatus(client.WithTag(ctx, rules.ParamValid200), e, r, e.c.SuccessStatus(), "equal period bounds", rules.ParamValid200); e.stopped(err, rules.ParamValid200) {
			return false
		}
	}
	return true
}

// expectStatus sends r and, on a usable answer, judges each of ids by it: a status other than
// want is a finding of each (one wrong status can break several rules, e.g. an invalid date
// accepted breaks PARAM-DATE-PATTERN and PARAM-INVALID-422). broke says whether it was.
func (e *Engine) expectStatus(ctx context.Context, s sink, r client.Request, want int, why string, ids ...rules.ID) (o *client.Observation, broke bool, err error) {
	o, ok, err := e.send(ctx, s, r)
	if err != nil || !ok {
		return o, false, err
	}
	e.judged(ids...)
	if o.Status == want {
		return o, false, nil
	}
	for _, id := range ids {
		s.add(e.finding(id, o, "expected %d for %s, got %d", want, why, o.Status))
	}
	return o, true, nil
}

func (e *Engine) limitBounds(ctx context.Context) bool {
	ctx = client.WithTag(ctx, rules.ParamLimitBounds)
	ps := e.c.PageSize()
	if ps == nil {
		e.skip(rules.ParamLimitBounds, "the spec has no page-size parameter")
		return true
	}
	lo, hi := int(*ps.Minimum), int(*ps.Maximum)
	for _, c := range []struct {
		v    int
		want int
		why  string
	}{
		{lo, e.c.SuccessStatus(), "limit at its minimum"},
		{hi, e.c.SuccessStatus(), "limit at its maximum"},
		{lo - 1, e.c.ValidationStatus(), "limit one below its minimum"},
		{hi + 1, e.c.ValidationStatus(), "limit one above its maximum"},
	} {
		ids := []rules.ID{rules.ParamLimitBounds}
		if c.want == e.c.ValidationStatus() {
			ids = append(ids, rules.ParamInvalid422) // the edge sweep leaves the bounds' neighbours to this plan
		}
		if _, _, err := e.expectStatus(ctx, e, base(client.Param{Name: ps.Name, Value: strconv.Itoa(c.v)}), c.want, c.why, ids...); e.stopped(err, rules.ParamLimitBounds) {
			return false
		}
	}
	return true
}

// defaultLimit: omitting limit equals limit=default (same first page).
func (e *Engine) defaultLimit(ctx context.Context) bool {
	ctx = client.WithTag(ctx, rules.ParamDefaultLimit)
	ps := e.c.PageSize()
	def, ok := 0, false
	if ps != nil {
		def, ok = ps.DefaultInt()
	}
	if !ok {
		e.skip(rules.ParamDefaultLimit, "the page-size parameter has no default in the spec")
		return true
	}
	without, ok1, err := e.send(ctx, e, base())
	if e.stopped(err, rules.ParamDefaultLimit) {
		return false
	}
	with, ok2, err := e.send(ctx, e, base(client.Param{Name: ps.Name, Value: strconv.Itoa(def)}))
	if e.stopped(err, rules.ParamDefaultLimit) {
		return false
	}
	if !ok1 || !ok2 || without.Status != e.c.SuccessStatus() || with.Status != e.c.SuccessStatus() {
		return true
	}
	a, b := e.readPage(without), e.readPage(with)
	if a.shapeErr != "" || b.shapeErr != "" {
		return true
	}
	e.judged(rules.ParamDefaultLimit)
	sa, sb := slices.Clone(a.ids), slices.Clone(b.ids)
	slices.Sort(sa)
	slices.Sort(sb)
	if !slices.Equal(sa, sb) || a.hasNext != b.hasNext {
		f := e.finding(rules.ParamDefaultLimit, without, "expected the same first page as %s=%d (%d items, next cursor %v), got %d items (next cursor %v)",
			ps.Name, def, len(b.ids), b.hasNext, len(a.ids), a.hasNext)
		f.Sequence = []string{e.cl.Curl(with.Request), e.cl.Curl(without.Request)}
		e.add(f)
	}
	return true
}

// validRequest draws a request of valid values: any subset of the filters, a page size or none.
func (e *Engine) validRequest(t *rapid.T, pool generators.Pool) client.Request {
	r := base()
	for _, p := range e.c.Params {
		if p.Role == contract.RoleCursor || !rapid.Bool().Draw(t, "use "+p.Name) {
			continue
		}
		r = r.With(p.Name, generators.Valid(&p, pool).Draw(t, p.Name))
	}
	return r
}

func (e *Engine) validCombination(ctx context.Context) func(context.Context, *rapid.T, *example) error {
	pool := e.getCorpus(ctx).pool
	return func(ctx context.Context, t *rapid.T, x *example) error {
		r := e.validRequest(t, pool)
		_, _, err := e.expectStatus(ctx, x, r, e.c.SuccessStatus(), "valid parameter values", rules.ParamValid200)
		return err
	}
}

func (e *Engine) invalidValue(ctx context.Context) func(context.Context, *rapid.T, *example) error {
	var candidates []*contract.Param
	for i := range e.c.Params {
		if generators.HasInvalid(&e.c.Params[i]) {
			candidates = append(candidates, &e.c.Params[i])
		}
	}
	pool := e.getCorpus(ctx).pool
	return func(ctx context.Context, t *rapid.T, x *example) error {
		if len(candidates) == 0 {
			t.Skip("no parameter has invalid values")
		}
		bad := rapid.SampledFrom(candidates).Draw(t, "parameter")
		r := e.validRequest(t, pool).Without(bad.Name)
		r = r.With(bad.Name, generators.Invalid(bad).Draw(t, "invalid "+bad.Name))
		_, _, err := e.expectStatus(ctx, x, r, e.c.ValidationStatus(), bad.Name+" outside its schema", rules.ParamInvalid422)
		return err
	}
}

func (e *Engine) datePattern() func(context.Context, *rapid.T, *example) error {
	var dates []*contract.Param
	for i := range e.c.Params {
		if p := &e.c.Params[i]; p.IsDate && p.Pattern != nil {
			dates = append(dates, p)
		}
	}
	return func(ctx context.Context, t *rapid.T, x *example) error {
		if len(dates) == 0 {
			t.Skip("no date parameter")
		}
		p := rapid.SampledFrom(dates).Draw(t, "parameter")
		v := generators.DateValue().Draw(t, p.Name)
		want, why := e.c.ValidationStatus(), p.Name+" outside the spec's pattern"
		if p.Valid(v) {
			want, why = e.c.SuccessStatus(), p.Name+" matching the spec's pattern"
		}
		_, _, err := e.expectStatus(ctx, x, base(client.Param{Name: p.Name, Value: v}), want, why, rules.ParamDatePattern)
		return err
	}
}

// emptyMatch sends valid filters that match nothing and expects 200 with no items and a null
// cursor: reversed period bounds (nothing can start after it ends, at any data size), and
// refinements of the slice that no item of it matches (an unknown value, a stage it lacks, a
// bound past its instants).
func (e *Engine) emptyMatch(ctx context.Context) bool {
	const id = rules.ParamEmptyMatch
	c := e.getCorpus(ctx)
	ctx = client.WithTag(ctx, id)
	if c.err != nil {
		e.stopped(c.err, id)
		return false
	}
	var probes []client.Request // valid filters that match nothing whatever the data holds
	from, to := e.periodBounds()
	if from != nil && to != nil {
		at := instant.Instant{Sec: 1709164800} // 2024-02-29T00:00:00Z when the data holds no instant
		if is := c.pool.Instants[to.Name]; len(is) > 0 {
			at = slices.MinFunc(is, instant.Compare)
		}
		for _, pair := range [][2]instant.Instant{{at.Shift(24 * time.Hour), at}, {at.Shift(time.Millisecond), at}} {
			r := base(client.Param{Name: from.Name, Value: pair[0].Format(max(len(pair[0].Frac), 3))}, client.Param{Name: to.Name, Value: pair[1].Format(max(len(pair[1].Frac), 3))})
			if from.Valid(r.Params[0].Value) && to.Valid(r.Params[1].Value) {
				probes = append(probes, r)
			}
		}
	}
	reversed := len(probes)
	if c.complete {
		for _, p := range e.c.Filters() {
			if _, fixed := c.filters.Get(p.Name); fixed && p.Role == contract.RoleEquals {
				continue
			}
			switch {
			case p.Role == contract.RoleEquals && len(p.Enum) == 0:
				if v, ok := exampleOf(generators.Unknown(p, c.pool.Values[p.Name]), e.cfg.Seed); ok {
					probes = append(probes, c.filters.With(p.Name, v))
				}
			case p.Role == contract.RoleEquals:
				for _, v := range p.Enum {
					if r := c.filters.With(p.Name, v); e.expected(c, r) == 0 {
						probes = append(probes, r)
						break
					}
				}
			case p.Role == contract.RoleAtLeast || p.Role == contract.RoleAtMost:
				is := c.slicePool.Instants[p.Name]
				if len(is) == 0 {
					continue
				}
				edge, shift := slices.MaxFunc(is, instant.Compare), time.Millisecond
				if p.Role == contract.RoleAtMost {
					edge, shift = slices.MinFunc(is, instant.Compare), -time.Millisecond
				}
				v := edge.Shift(shift)
				probes = append(probes, c.filters.With(p.Name, v.Format(max(len(v.Frac), 3))))
			}
		}
	}
	for i, r := range probes {
		if i >= reversed && e.expected(c, r) != 0 {
			continue // not a refinement of the slice that matches none of its items
		}
		o, ok, err := e.send(ctx, e, c.withPageSize(r))
		if e.stopped(err, id) {
			return false
		}
		if ok {
			e.checkEmpty(e, o)
		}
	}
	return true
}

// checkEmpty reports PARAM-EMPTY-MATCH unless o is 200 with no items and a null cursor.
func (e *Engine) checkEmpty(s sink, o *client.Observation) {
	e.judged(rules.ParamEmptyMatch)
	if o.Status != e.c.SuccessStatus() {
		s.add(e.finding(rules.ParamEmptyMatch, o, "expected %d with an empty page for a filter that matches nothing, got %d", e.c.SuccessStatus(), o.Status))
		return
	}
	p := e.readPage(o)
	if p.shapeErr == "" && (len(p.items) > 0 || p.hasNext) {
		s.add(e.finding(rules.ParamEmptyMatch, o, "expected no items and a null %s for a filter that matches nothing, got %d items and cursor %v",
			e.c.Page.CursorField, len(p.items), p.hasNext))
	}
}

// expected counts the slice's items a refinement of it surely matches (-1 when r does not
// refine the slice, or the oracle is unsure of some item).
func (e *Engine) expected(c *corpus, r client.Request) int {
	if !e.refines(r, c) {
		return -1
	}
	n := 0
	for _, id := range c.ids {
		switch e.matches(c.byID[id], r) {
		case yes:
			n++
		case unsure:
			return -1
		}
	}
	return n
}

// exampleOf draws one value from a generator, deterministically from the seed.
func exampleOf(g *rapid.Generator[string], seed uint64) (v string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return g.Example(int(seed % (1 << 31))), true
}
