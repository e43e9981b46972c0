package views

import (
	"os/exec"
	"strings"
	"testing"
)

// The quoted body reads back, through a POSIX shell, as the JSON it was;
// a masked ExternalId becomes the value of its variable, or a refusal.
func TestShellJSONQuotesForTheShell(t *testing.T) {
	body := `{"UserPoolId":"eu-west-1_A","SmsMfaConfiguration":{"SmsAuthenticationMessage":"It's {####} $HOME ` + "`x`" + `","SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::1:role/r","ExternalId":"(sensitive: unchanged)"}}}`
	quoted, secretVar := shellJSON(body, "eu-west-1_A")
	if secretVar != "MFACTL_SMS_EXTERNAL_ID_EU_WEST_1_A" || strings.Contains(quoted, "sensitive") {
		t.Fatalf("quoted %s, variable %q", quoted, secretVar)
	}
	sh := exec.Command("/bin/sh", "-c", "printf %s "+quoted)
	sh.Env = []string{secretVar + "=s3cret", "HOME=/nowhere"}
	out, err := sh.Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(body, "(sensitive: unchanged)", "s3cret", 1); string(out) != want {
		t.Errorf("the shell reads\n%s\nwant\n%s", out, want)
	}
	sh = exec.Command("/bin/sh", "-c", "printf %s "+quoted)
	sh.Env = []string{}
	if out, err := sh.CombinedOutput(); err == nil || !strings.Contains(string(out), "set it to the SMS role external ID of eu-west-1_A") {
		t.Errorf("without the variable the shell ran it: %v %s", err, out)
	}
	if q, v := shellJSON(`{"a":"b'c"}`, "x_Y"); q != `'{"a":"b'\''c"}'` || v != "" {
		t.Errorf("plain body: %s %q", q, v)
	}
}
