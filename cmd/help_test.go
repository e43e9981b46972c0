package cmd

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/views"
)

var (
	// A command line quoted in help's prose: `mfactl …`.
	quotedCommand = regexp.MustCompile("`mfactl [^`]*`")
	mfactlCommand = regexp.MustCompile(`mfactl ([a-z][a-z-]*(?: [a-z][a-z-]*)?)((?: +[^ #|&;>$]+)*)`)
	outputFormat  = regexp.MustCompile(`(?:^|[\s\[])(?:-o|--output) ([a-z|-]+)`)
	flagName      = regexp.MustCompile(`(?:^|[\s(\x60\[])--([a-z][a-z-]+)`)
)

// allCommands is the command tree under root, root included, with the
// completion command cobra adds at run time.
func allCommands(t *testing.T) (*cobra.Command, []*cobra.Command) {
	ios, _, _, _ := iostreams.TestStreams()
	root := NewRootCmd(&Factory{IO: ios})
	root.InitDefaultCompletionCmd()
	var all []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		all = append(all, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return root, all
}

// offeredFormats is the registry's answer for a command's -o: what its
// completion offers, the same list ParseFormat checks against.
func offeredFormats(t *testing.T, c *cobra.Command) []string {
	complete, ok := c.GetFlagCompletionFunc("output")
	if !ok {
		t.Fatalf("%s: -o without a completion from the registry", c.CommandPath())
	}
	names, _ := complete(c, nil, "")
	return names
}

// The help of every command agrees with the commands and formats there
// are, so that neither can drift from the other (issue 20, item 7).
func TestHelpAgreesWithTheRegistry(t *testing.T) {
	t.Parallel()
	root, all := allCommands(t)
	commands := map[string]*cobra.Command{}
	for _, c := range root.Commands() {
		commands[c.Name()] = c
	}
	// The registry: each command's formats.
	registry := map[string][]views.Format{
		"mfactl plan": views.PlanFormats.Names(), "mfactl show": views.ShowFormats.Names(), "mfactl validate": views.ValidateFormats.Names(),
		"mfactl apply": views.ApplyFormats.Names(), "mfactl report": views.ReportFormats.Names(),
		"mfactl version": views.VersionFormats.Names(), "mfactl reset-mfa": views.ResetFormats, "mfactl passkey list": views.PasskeyFormats, "mfactl passkey delete": views.PasskeyFormats,
	}
	formatsOf := map[string][]string{}
	known := map[string]bool{}
	for _, c := range all {
		if c.Flags().Lookup("output") == nil {
			continue
		}
		formatsOf[c.CommandPath()] = offeredFormats(t, c)
		if c.Name() == "schema" {
			continue // its -o names a JSON document, not a format
		}
		formats, ok := registry[c.CommandPath()]
		if !ok {
			t.Errorf("%s has -o but no formats in the registry", c.CommandPath())
			continue
		}
		var names []string
		for _, f := range formats {
			names = append(names, string(f))
			known[string(f)] = true
		}
		if !slices.Equal(formatsOf[c.CommandPath()], names) {
			t.Errorf("%s: -o completes %v; the registry holds %v", c.CommandPath(), formatsOf[c.CommandPath()], names)
		}
	}

	for _, c := range all {
		if c.HasParent() && c.Parent().Name() == "completion" || c.Name() == "completion" {
			continue // cobra's, not ours
		}
		prose := c.Long
		c.Flags().VisitAll(func(f *pflag.Flag) { prose += "\n" + f.Usage })
		lines := append(strings.Split(c.Example, "\n"), quotedCommand.FindAllString(prose, -1)...)

		// Every command named in an example or quoted exists, every flag
		// given to it is its own, and every format given to its -o is one
		// it offers.
		for _, line := range lines {
			for _, m := range mfactlCommand.FindAllStringSubmatch(line, -1) {
				named, rest, err := root.Find(strings.Fields(m[1]))
				if err != nil || named == root || len(rest) > 1 || (len(rest) == 1 && named.HasSubCommands()) {
					t.Errorf("%s: help names `mfactl %s`, which is not a command: %q", c.CommandPath(), m[1], line)
					continue
				}
				for _, f := range flagName.FindAllStringSubmatch(m[2], -1) {
					if named.Flags().Lookup(f[1]) == nil && named.InheritedFlags().Lookup(f[1]) == nil {
						t.Errorf("%s: help gives `%s` a flag it does not have, --%s: %q", c.CommandPath(), named.CommandPath(), f[1], line)
					}
				}
				for _, f := range outputFormat.FindAllStringSubmatch(m[2], -1) {
					for _, name := range strings.Split(f[1], "|") {
						if !slices.Contains(formatsOf[named.CommandPath()], name) {
							t.Errorf("%s: help gives `%s` -o %s, which it does not offer: %q", c.CommandPath(), named.CommandPath(), name, line)
						}
					}
				}
			}
		}

		offered, ok := formatsOf[c.CommandPath()]
		if _, formats := registry[c.CommandPath()]; !ok || !formats {
			continue
		}
		usage := c.Flags().Lookup("output").Usage
		for name := range known {
			if strings.Contains(usage, name) != slices.Contains(offered, name) {
				t.Errorf("%s: -o's help %q and the registry's %v disagree on %s", c.CommandPath(), usage, offered, name)
			}
		}
		// The synopsis: "[-o text|json]" lists exactly the formats, or says FORMAT.
		for _, m := range outputFormat.FindAllStringSubmatch(c.Use, -1) {
			if got := strings.Split(m[1], "|"); !slices.Equal(got, offered) {
				t.Errorf("%s: synopsis offers %v; the registry %v", c.CommandPath(), got, offered)
			}
		}
		if report := c.Flags().Lookup("report"); report != nil {
			complete, _ := c.GetFlagCompletionFunc("report")
			names, _ := complete(c, nil, "")
			for _, name := range names {
				if !slices.Contains(offered, strings.TrimSuffix(name, "=")) {
					t.Errorf("%s: --report offers %s, which -o does not", c.CommandPath(), name)
				}
			}
		}
	}

	// The unknown-command hint names every command there is.
	hint := unknownCommand(root, []string{"zzzz"}).Error()
	for name, c := range commands {
		if c.IsAvailableCommand() && name != "help" && !strings.Contains(hint, name) {
			t.Errorf("the unknown-command hint omits %s: %q", name, hint)
		}
	}

	// The emulator's --fault help lists every kind the emulator accepts.
	usage := commands["emulator"].Flags().Lookup("fault").Usage
	for _, kind := range emulator.FaultKinds() {
		if !strings.Contains(usage, kind) {
			t.Errorf("--fault's help omits %s: %q", kind, usage)
		}
		if _, err := emulator.ParseFaultRule("*=" + kind + ":0.1"); err != nil {
			t.Errorf("the help's fault kind %s is refused: %v", kind, err)
		}
	}
}
