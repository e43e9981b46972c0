package conformance

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// TestAWSCLISkeletonsMatchTheFixtures regenerates the AWS CLI's input
// skeletons (--generate-cli-skeleton yaml-input) and checks that every key
// of fixtures/awscli/ (filled-in skeletons that mfactl reads) is one the
// skeleton has, where it has it: the fixtures stay what the CLI takes.
func TestAWSCLISkeletonsMatchTheFixtures(t *testing.T) {
	requireAWSCLI(t)
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	for command, fixtures := range map[string][]string{
		"set-user-pool-mfa-config":      {"set-user-pool-mfa-config.yaml", "set-user-pool-mfa-config.json"},
		"admin-set-user-mfa-preference": {"admin-set-user-mfa-preference.yaml"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cli := exec.CommandContext(ctx, awsCLIPath, "cognito-idp", command, "--generate-cli-skeleton", "yaml-input")
		cli.Env = cliEnv()
		skeleton, err := cli.Output()
		cancel()
		if err != nil {
			t.Fatalf("%s --generate-cli-skeleton: %v", command, err)
		}
		allowed := keyPaths(t, skeleton)
		for _, name := range fixtures {
			data, err := os.ReadFile(filepath.Join(root, "fixtures", "awscli", name))
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range sortedKeys(keyPaths(t, data)) {
				if !allowed[k] {
					t.Errorf("%s has %s, which the skeleton of %s does not", name, k, command)
				}
			}
		}
	}
}

// keyPaths returns every mapping key path of a YAML (or JSON) document: "A", "A.B".
func keyPaths(t *testing.T, data []byte) map[string]bool {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			paths[prefix+k] = true
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
			}
		}
	}
	walk("", doc)
	return paths
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
