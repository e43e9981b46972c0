package views

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/usecase"
)

// TOTPEnroll is the view of `mfactl totp enroll`: the key to add to an
// authenticator app (a QR code and the otpauth:// URI on stdout), the
// prompt for its code (stderr) and the outcome.
type TOTPEnroll struct {
	io *iostreams.IOStreams
	in *bufio.Reader // one reader for every prompt, so no typed line is lost
}

// NewTOTPEnroll returns the enrolment view.
func NewTOTPEnroll(io *iostreams.IOStreams) *TOTPEnroll {
	return &TOTPEnroll{io: io, in: bufio.NewReader(io.In)}
}

// Show writes the key. The secret is shown because it must be: it is the
// one time the user can copy it into an app (or a service account's vault).
func (v *TOTPEnroll) Show(uri, secret string) error {
	qr, err := qrcode.New(uri, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("rendering the QR code: %w", err)
	}
	w := v.io.Out
	fmt.Fprintln(w, "Scan this QR code with your authenticator app, or enter the key by hand.")
	fmt.Fprintln(w, "Keep it secret: anyone who has it can produce your codes.")
	fmt.Fprintln(w)
	fmt.Fprint(w, qr.ToSmallString(false))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Key URI: "+uri)
	fmt.Fprintln(w, "Key:     "+secret)
	fmt.Fprintln(w, "         (TOTP, SHA-1, 6 digits, every 30 seconds)")
	fmt.Fprintln(w)
	return nil
}

// ReadCode asks for the app's current code, on stderr, and reads a line.
func (v *TOTPEnroll) ReadCode(attempt int) (string, error) {
	if attempt > 1 {
		fmt.Fprintln(v.io.ErrOut, "That code did not match; wait for the next one and try again.")
	}
	fmt.Fprint(v.io.ErrOut, "Enter the 6-digit code from your authenticator app: ")
	line, err := v.in.ReadString('\n')
	code := strings.TrimSpace(line)
	switch {
	case code == "" && errors.Is(err, io.EOF):
		return "", errors.New("no code was entered (standard input ended)")
	case err != nil && !errors.Is(err, io.EOF):
		return "", err
	}
	return code, nil // a malformed code is Cognito's to refuse, in its words
}

// Enrolled says what Cognito now reports.
func (v *TOTPEnroll) Enrolled(e *usecase.Enrolled) {
	p := v.io.Palette()
	state := "enabled"
	if e.TOTP.PreferredMfa {
		state = "enabled and preferred"
	}
	fmt.Fprintf(v.io.Out, "%s TOTP is %s for user %s of user pool %s.\n", p.Green("Done:"), state, untrusted.Name(e.Username), e.UserPoolId)
}
