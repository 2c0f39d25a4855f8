package suite

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/introw/conform/suite/rules"
)

// TestStaticLabels reads the spec files as `ginkgo labels` does (every Label call with string
// literals) and requires the golden list: each rule's ID, area and level is a label written in
// the source, and no label names a rule the catalog does not have.
func TestStaticLabels(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		{
			ast.Inspect(f, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "Label" {
						for _, a := range c.Args {
							if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
								s, _ := strconv.Unquote(lit.Value)
								labels = append(labels, s)
							}
						}
					}
				}
				return true
			})
		}
	}
	for _, r := range rules.Catalog {
		for _, l := range []string{string(r.ID), string(r.Area), string(r.Level)} {
			if !slices.Contains(labels, l) {
				t.Errorf("no spec file has the static label %q (rule %s)", l, r.ID)
			}
		}
	}
	for _, l := range labels {
		_, isRule := rules.Lookup(l)
		if !isRule && !slices.Contains(rules.Areas(), rules.Area(l)) && l != string(rules.Strict) && l != string(rules.Lenient) {
			t.Errorf("label %q names no rule, area or level", l)
		}
	}
}
