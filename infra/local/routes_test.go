package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"gopkg.in/yaml.v3"
)

// samTemplate is the part of template.yaml the runner must agree with.
type samTemplate struct {
	Resources map[string]struct {
		Type       string `yaml:"Type"`
		Properties struct {
			Events map[string]struct {
				Type       string `yaml:"Type"`
				Properties struct {
					Method string `yaml:"Method"`
					Path   string `yaml:"Path"`
				} `yaml:"Properties"`
			} `yaml:"Events"`
		} `yaml:"Properties"`
	} `yaml:"Resources"`
}

// functionFolder maps a template logical id to its folder: FilingFunction → filing,
// DeadlineJan31Function → deadline-jan31.
func functionFolder(logicalID string) string {
	var b strings.Builder
	for i, r := range strings.TrimSuffix(logicalID, "Function") {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func readTemplate(t *testing.T) samTemplate {
	t.Helper()
	raw, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tpl samTemplate
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	return tpl
}

func TestRunnerServesExactlyTheTemplatesRoutes(t *testing.T) {
	tpl := readTemplate(t)
	p, err := newPlatform(context.Background(), config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	templateFunctions := map[string]bool{}
	for id, res := range tpl.Resources {
		if res.Type != "AWS::Serverless::Function" {
			continue
		}
		name := functionFolder(id)
		templateFunctions[name] = true
		fn, ok := p.functions[name]
		if !ok {
			t.Errorf("template function %s (%s) is not served by the local runner", id, name)
			continue
		}
		var want, got []string
		for _, ev := range res.Properties.Events {
			if ev.Type == "HttpApi" {
				want = append(want, ev.Properties.Method+" "+ev.Properties.Path)
			}
		}
		for _, rt := range fn.Routes() {
			got = append(got, rt.Method+" "+rt.Path)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%s: template routes %v, served routes %v", name, want, got)
		}
	}
	for name := range p.functions {
		if !templateFunctions[name] {
			t.Errorf("the runner serves %s, which template.yaml does not deploy", name)
		}
	}
	dirs, err := os.ReadDir("../../functions")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join("../../functions", d.Name(), "main.go")); err == nil && !templateFunctions[d.Name()] {
			t.Errorf("functions/%s is not in template.yaml", d.Name())
		}
	}
}

func TestFunctionFolderNames(t *testing.T) {
	for id, want := range map[string]string{"FilingFunction": "filing", "AnnualReportFunction": "annual-report",
		"DeadlineJan31Function": "deadline-jan31", "ClusterApplicationFunction": "cluster-application"} {
		if got := functionFolder(id); got != want {
			t.Errorf("%s → %s, want %s", id, got, want)
		}
	}
}
