package views

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/usecase"
)

// PasskeyFormats are the formats mfactl passkey offers.
var PasskeyFormats = []Format{Text, JSON}

// RenderPasskeys shows a user's passkeys: a table, or the list as JSON.
// Names and IDs come from Cognito, where the user chose them: they are
// quoted when not plain text.
func RenderPasskeys(io *iostreams.IOStreams, format Format, l *usecase.PasskeyList) error {
	if format == JSON {
		enc := json.NewEncoder(io.Out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(l)
	}
	fmt.Fprintf(io.Out, "%s of %s in user pool %s\n", Plural(len(l.Passkeys), "passkey"), untrusted.Name(l.Username), l.UserPoolId)
	if len(l.Passkeys) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nCREDENTIAL ID\tNAME\tRELYING PARTY\tATTACHMENT\tTRANSPORTS\tCREATED")
	for _, k := range l.Passkeys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", untrusted.Name(k.CredentialId), untrusted.Name(k.Name), untrusted.Name(k.RelyingPartyId),
			orDash(k.Attachment), orDash(untrusted.Name(strings.Join(k.Transports, ","))), k.CreatedAt.UTC().Format(time.DateOnly))
	}
	return tw.Flush()
}

// PasskeyDeleted confirms a deletion, on stderr beside JSON.
func PasskeyDeleted(io *iostreams.IOStreams, format Format, credentialID string) {
	w := io.Out
	if format == JSON {
		w = io.ErrOut
	}
	fmt.Fprintf(w, "Deleted passkey %s.\n", untrusted.Name(credentialID))
}

// PasskeyFailed prints, with JSON, the failure document on stdout (text
// leaves errors to Main).
func PasskeyFailed(io *iostreams.IOStreams, format Format, err error) error {
	if format != JSON {
		return nil
	}
	return writeErrorDoc(io.Out, err)
}

func orDash(s string) string {
	if s == "" || s == `""` {
		return "-"
	}
	return s
}
