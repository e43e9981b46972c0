package cmd

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/pquerna/otp/totp"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// TestTOTPEnrollFromAShell registers an authenticator for bob, who has
// none, as a person at a shell would: read the key from the output, type a
// wrong code, then the right one (a real RFC 6238 code for the emulator's
// clock).
func TestTOTPEnrollFromAShell(t *testing.T) {
	now := time.Now() // the emulator's clock stands still here; mfactl checks expiry by the real one
	h := selfHarness(t, emulator.Options{Now: func() time.Time { return now }})
	tok := h.token("bob")
	t.Setenv("MFACTL_ACCESS_TOKEN", tok)

	ios, _, out, errOut := iostreams.TestStreams()
	stdin, typing := io.Pipe()
	ios.In = stdin
	root := NewRootCmd(NewFactory(ios))
	root.SetArgs([]string{"totp", "enroll", "--preferred", "--device-name", "laptop", "--endpoint-url", h.url})
	done := make(chan int)
	go func() { done <- exitCode(root.ExecuteContext(context.Background()), ios) }()

	keyLine := regexp.MustCompile(`(?m)^Key: +([A-Z2-7]+)$`)
	var secret string
	for deadline := time.Now().Add(10 * time.Second); secret == ""; {
		if m := keyLine.FindStringSubmatch(out.String()); m != nil {
			secret = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no key shown:\n%s\n%s", out, errOut)
		}
		time.Sleep(5 * time.Millisecond)
	}
	wrong, _ := totp.GenerateCode(secret, now.Add(-time.Hour))
	right, err := totp.GenerateCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(typing, wrong+"\n")
	io.WriteString(typing, right+"\n")
	code := <-done
	typing.Close()
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"Scan this QR code", "█", "Key URI: otpauth://totp/Amazon%20Cognito%20eu-west-1_Self1:bob?algorithm=SHA1&digits=6&issuer=Amazon+Cognito+eu-west-1_Self1&period=30&secret=" + secret,
		"Done: TOTP is enabled and preferred for user bob of user pool eu-west-1_Self1."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut.String(), "That code did not match") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if strings.Contains(out.String()+errOut.String(), tok) {
		t.Fatal("the output shows the access token")
	}
	var ops []string
	for _, c := range h.emu.Stats().Calls {
		ops = append(ops, c.Operation+" "+c.Error)
	}
	if got := strings.Join(ops, ","); got != "AssociateSoftwareToken ,VerifySoftwareToken EnableSoftwareTokenMFAException,VerifySoftwareToken ,SetUserMFAPreference ,GetUser " {
		t.Errorf("calls = %s", got)
	}
	// Cognito (the emulator) now has it, and the next sign-in asks for it.
	me, err := cip.New(cip.Options{Region: "eu-west-1", BaseEndpoint: aws.String(h.url)}).GetUser(context.Background(), &cip.GetUserInput{AccessToken: &tok})
	if err != nil || aws.ToString(me.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("GetUser after enroll: %v %+v", err, me)
	}
}
