// Command gen writes model.json from Cognito's full API model (see package
// compact). Run it with `go generate` in emulator/apimodel;
// COGNITO_API_MODEL overrides where the full model is.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mfactl/mfactl/emulator/apimodel/internal/compact"
)

// DefaultSource is the full model's path from emulator/apimodel in a
// checkout beside the project's shared folder.
const DefaultSource = "../../../shared/aws/cognito-idp-model-2026-07-24.json"

func main() {
	in := flag.String("model", envOr("COGNITO_API_MODEL", DefaultSource), "the full API model")
	out := flag.String("o", "model.json", "where to write the compact model")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run(in, out string) error {
	full, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("%w (set COGNITO_API_MODEL to the model's path)", err)
	}
	b, err := compact.Compact(full)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, b, 0o644)
}
