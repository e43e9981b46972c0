// Package desiredfile writes desired-state files: the YAML that
// schema reads. mfactl import writes what Cognito holds, so that
// mfactl plan on the file shows no change; mfactl init writes a commented
// starter. It is a file-format writer, not a view: its output is input to
// mfactl, held to the schema and the round trip, and never coloured or
// shaped for a terminal.
//
// The writer streams: a pool's configuration first, then its users as
// they come, so a pool of any size is written with one page in memory.
package desiredfile

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/state"
)

// SchemaModeline is the first line of every file mfactl writes: it points
// editors using the YAML language server at the schema, saved beside the
// file with `mfactl schema > mfactl.schema.json`.
const SchemaModeline = "# yaml-language-server: $schema=./mfactl.schema.json"

// Writer writes one desired-state document. It remembers the first write
// error; Err returns it.
type Writer struct {
	w       io.Writer
	err     error
	inUsers bool // the current pool entry has begun its Users list
}

// NewWriter starts a document on w: the modeline, the comment lines given
// (each written as "# line"), then Version and UserPools.
func NewWriter(w io.Writer, comment []string) *Writer {
	dw := &Writer{w: w}
	dw.line(SchemaModeline)
	for _, c := range comment {
		dw.line(strings.TrimRight("# "+c, " "))
	}
	dw.line("Version: 1")
	dw.line("UserPools:")
	return dw
}

// Err is the first error writing met.
func (w *Writer) Err() error { return w.err }

func (w *Writer) line(s string) {
	if w.err == nil {
		_, w.err = io.WriteString(w.w, s+"\n")
	}
}

func (w *Writer) linef(format string, args ...any) { w.line(fmt.Sprintf(format, args...)) }

// Pool writes a pool entry with the pool's whole MFA configuration as
// Cognito reports it (normalised live state): the mode, every SMS, TOTP
// and email block with Enabled, so that the file pins each factor, and
// WebAuthnConfiguration when Cognito has one. The SMS role's ExternalId is
// a secret and is never written: left out, the pool keeps its own.
func (w *Writer) Pool(p *state.LivePool) {
	w.inUsers = false
	cfg := p.Config
	w.linef("  - UserPoolId: %s", scalar(p.UserPoolId))
	if len(p.Unreadable) > 0 {
		// A partial reading must not become desired state: a plan from
		// it could switch off what was not seen.
		w.linef("    # Not fully readable: Cognito's answer holds %s, which this mfactl cannot read", oneLine(strings.Join(p.Unreadable, ", ")))
		w.line("    # (upgrade mfactl). The MFA configuration is left unmanaged; mfactl writes nothing to this pool.")
		return
	}
	mode := orOff(cfg.MfaConfiguration)
	w.linef("    MfaConfiguration: %s", scalar(string(mode)))
	if mode != state.ModeOff && !anyFactorOn(cfg) {
		// Cognito accepts ON with an empty TOTP block, which mfactl's rules
		// refuse to declare: leaving the factors unmanaged keeps the file
		// valid and the plan empty, and the comment says what to fix.
		w.linef("    # Cognito holds MfaConfiguration %s with no SMS, TOTP or email factor on, which mfactl refuses", mode)
		w.line("    # to declare: the factor blocks are left unmanaged. Enable a factor here before anything else.")
	} else {
		w.factorBlocks(cfg)
	}
	if wa := cfg.WebAuthnConfiguration; wa != nil && (wa.RelyingPartyId != nil || wa.UserVerification != nil || wa.FactorConfiguration != nil) {
		w.linef("    %s:", state.WebAuthn.PoolBlock)
		w.optional("      ", "RelyingPartyId", wa.RelyingPartyId)
		w.optional("      ", "UserVerification", wa.UserVerification)
		w.optional("      ", "FactorConfiguration", wa.FactorConfiguration)
	} else {
		w.linef("    # %s: none in Cognito; left unmanaged.", state.WebAuthn.PoolBlock)
	}
	w.posture(p.Posture, p.RiskUnread, p.ClientsUnread)
}

// factorBlocks writes the SMS, TOTP and email blocks, each with Enabled.
func (w *Writer) factorBlocks(cfg state.PoolConfig) {
	for _, f := range state.MFAFactors {
		if _, enabled := f.PoolEnabled(cfg); !enabled {
			w.linef("    %s: {Enabled: false}", f.PoolBlock)
			continue
		}
		switch f {
		case state.SMS:
			w.smsBlock(cfg.SmsMfaConfiguration)
		case state.Email:
			e := cfg.EmailMfaConfiguration
			w.linef("    %s:", f.PoolBlock)
			w.line("      Enabled: true")
			w.optional("      ", "Message", e.Message)
			w.optional("      ", "Subject", e.Subject)
		default: // a factor with nothing but Enabled (TOTP)
			w.linef("    %s: {Enabled: true}", f.PoolBlock)
		}
	}
}

func anyFactorOn(cfg state.PoolConfig) bool {
	for _, f := range state.MFAFactors {
		if _, enabled := f.PoolEnabled(cfg); enabled {
			return true
		}
	}
	return false
}

func (w *Writer) smsBlock(s *state.SmsMfaConfiguration) {
	w.linef("    %s:", state.SMS.PoolBlock)
	w.line("      Enabled: true")
	w.optional("      ", "SmsAuthenticationMessage", s.SmsAuthenticationMessage)
	c := s.SmsConfiguration
	if c != nil && c.EumsSms != nil && c.EumsSms.CallerArn != "" {
		w.eumsBlock(c.EumsSms)
		return
	}
	if c == nil || c.SnsCallerArn == "" {
		w.line("      # SmsConfiguration: Cognito reports none here; the pool's SMS role is left as it is.")
		return
	}
	w.line("      SmsConfiguration:")
	w.linef("        SnsCallerArn: %s", scalar(c.SnsCallerArn))
	if c.SnsRegion != "" {
		w.linef("        SnsRegion: %s", scalar(c.SnsRegion))
	}
	w.line("        # ExternalId is a secret and is never written: left out, the pool keeps its current one.")
}

// eumsBlock writes SMS sent through AWS End User Messaging.
func (w *Writer) eumsBlock(e *state.EumsSms) {
	w.line("      SmsConfiguration:")
	w.line("        EumsSms:")
	w.linef("          CallerArn: %s", scalar(e.CallerArn))
	for _, f := range []struct{ key, value string }{
		{"OriginationIdentity", e.OriginationIdentity}, {"ConfigurationSetName", e.ConfigurationSetName},
		{"InEntityId", e.InEntityId}, {"InTemplateId", e.InTemplateId}, {"Region", e.Region},
	} {
		if f.value != "" {
			w.linef("          %s: %s", f.key, scalar(f.value))
		}
	}
	w.line("          # ExternalId is a secret and is never written: left out, the pool keeps its current one.")
}

func (w *Writer) optional(indent, key string, v *string) {
	if v != nil {
		w.linef("%s%s: %s", indent, key, scalar(*v))
	}
}

// UsersOnly writes a pool entry that only lists users, for a pool whose
// configuration is in another file.
func (w *Writer) UsersOnly(poolID string) {
	w.inUsers = false
	w.linef("  - UserPoolId: %s", scalar(poolID))
}

// Users writes users under the current pool entry, each with the blocks
// Cognito reports for it: its enabled factors, PreferredMfa spelt out. A
// user whose state cannot be trusted gets a comment saying why and no
// blocks, so nothing is guessed. WebAuthnMfaSettings is never written:
// Cognito does not report it.
func (w *Writer) Users(users []*state.LiveUser) {
	if len(users) == 0 {
		return
	}
	if !w.inUsers {
		w.inUsers = true
		w.line("    Users:")
		w.linef("      # %s is left out of every user: Cognito never reports it, so it stays unmanaged.", state.WebAuthn.UserBlock)
	}
	for _, u := range users {
		w.linef("      - Username: %s", scalar(u.Username))
		if len(u.Unreadable) > 0 {
			w.linef("        # Not fully readable: Cognito's answer holds %s, which this mfactl cannot read (upgrade mfactl). No block is written.", oneLine(strings.Join(u.Unreadable, ", ")))
			continue
		}
		if u.Unknown != "" {
			w.linef("        # MFA state unknown: %s. No block is written: declare what this user should have.", oneLine(u.Unknown))
			continue
		}
		enabled := false
		for _, f := range state.MFAFactors {
			if s := f.User(u.Settings); s != nil && s.Enabled {
				w.linef("        %s: {Enabled: true, PreferredMfa: %t}", f.UserBlock, s.PreferredMfa)
				enabled = true
			}
		}
		if !enabled {
			w.line("        # no MFA factor enabled")
		}
	}
}

func orOff(m state.Mode) state.Mode {
	if m == state.ModeUnset {
		return state.ModeOff
	}
	return m
}

// scalar renders s as a YAML scalar that reads back as the same string in
// YAML 1.2 and 1.1: plain where that is safe, quoted where a reader could
// take it for something else ("007", "true", "OFF"), double-quoted with
// escapes where it spans lines.
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	text := strings.TrimSuffix(string(out), "\n")
	if err != nil || strings.ContainsAny(text, "\n") || strings.HasPrefix(text, "|") || strings.HasPrefix(text, ">") {
		return strconv.Quote(s)
	}
	return text
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
