package views

import (
	"encoding/json"
	"io"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// OutcomeInvalidInput is the outcome of a plan whose files are invalid
// (nothing was read); a plan that could not finish is OutcomeFailed, one
// stopped by Ctrl-C or SIGTERM OutcomeInterrupted, as for apply.
const OutcomeInvalidInput = "invalid-input"

// failureJSON is what `plan -o json` prints when it produced no plan: the
// plan document's fields, empty, so that a program reading plans reads it
// too, plus the outcome and the error. Nothing was changed in Cognito.
type failureJSON struct {
	FormatVersion string
	Outcome       string
	Error         *errorJSON `json:",omitempty"`
	Changed       bool       // always false: plan changes nothing
	Pools         []plan.PoolChange
	Diagnostics   diag.List
	Calls         []plan.Call
}

// errorJSON is an error as programs see it: redacted and escaped like text.
type errorJSON struct {
	Message string
	Code    string `json:",omitempty"` // Cognito's error code, if any
	Meaning string `json:",omitempty"` // what it means for the user
}

// writeFailureJSON prints the document of a plan that stopped with err
// (nil for invalid input, which diags explain). The error is also one of
// the Diagnostics, so a program that reads only those sees it.
func writeFailureJSON(w io.Writer, outcome string, err error, diags diag.List) error {
	doc := failureJSON{FormatVersion: plan.FormatVersion, Outcome: outcome, Pools: []plan.PoolChange{}, Diagnostics: diags, Calls: []plan.Call{}}
	if doc.Diagnostics == nil {
		doc.Diagnostics = diag.List{}
	}
	if err != nil {
		d := Explain(err)
		doc.Error = &errorJSON{Message: untrusted.Error(err), Code: d.Code, Meaning: d.Meaning}
		doc.Diagnostics = append(doc.Diagnostics, diag.Diagnostic{Severity: diag.Error, Summary: doc.Error.Message, Detail: d.Meaning})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
