package rules_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/introw/conform/suite/rules"
)

var _ = Describe("rule IDs in code", func() {
	It("are named by their constants outside the catalog (a misspelt constant does not compile), except as the static labels of the spec files", func() {
		root := filepath.Join("..", "..")
		var quoted []string
		for _, r := range rules.Catalog {
			quoted = append(quoted, regexp.QuoteMeta(`"`+string(r.ID)+`"`))
		}
		literal := regexp.MustCompile(strings.Join(quoted, "|"))
		label := regexp.MustCompile(`Label\("[A-Z0-9-]+", "(strict|lenient)"\)`)
		var found []string
		Expect(filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.Contains(path, filepath.Join("suite", "rules")) {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(b), "\n") {
				if literal.MatchString(label.ReplaceAllString(line, "")) {
					found = append(found, fmt.Sprintf("%s:%d: %s", path, i+1, strings.TrimSpace(line)))
				}
			}
			return nil
		})).To(Succeed())
		Expect(found).To(BeEmpty())
	})
})
