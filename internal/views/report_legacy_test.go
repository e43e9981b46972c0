package views

import (
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
)

func TestReportSaysHowToMigrateLegacyUsers(t *testing.T) {
	pool := func(legacy int) *usecase.Report {
		return &usecase.Report{Pools: []usecase.PoolReport{{
			UserPoolId: "eu-west-1_Legacy1", MfaConfiguration: "OPTIONAL", Selection: "AllUsers", Listed: 3, Read: 3,
			Counts:    map[string]int{usecase.StateLegacyMFAOptions: legacy, usecase.StateTOTP: 3 - legacy},
			Preferred: map[string]int{},
		}}}
	}
	for _, f := range []Format{Text, Markdown} {
		ios, _, out, _ := iostreams.TestStreams()
		if err := must(NewReport(f, ios, TextOptions{})).Report(pool(2)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "2 users on legacy MFAOptions SMS (AdminSetUserSettings): to migrate, set LegacyMfaOptions: Migrate on the pool") {
			t.Errorf("%s report does not say how to migrate:\n%s", f, out.String())
		}
		ios, _, out, _ = iostreams.TestStreams()
		if err := must(NewReport(f, ios, TextOptions{})).Report(pool(0)); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "to migrate") {
			t.Errorf("%s report of a pool without legacy users mentions migrating:\n%s", f, out.String())
		}
	}
}
