package cognito

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
)

const (
	euPool = "eu-west-1_Eu"
	usPool = "us-east-1_Us"
)

// twoRegions is a fake with an ON pool in eu-west-1 and an OPTIONAL pool in us-east-1.
func twoRegions() *fakeCognito {
	f := newFakeCognito()
	f.addPool(euPool, &cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}},
		&types.UserPoolType{UserPoolTier: types.UserPoolTierTypePlus})
	f.addUser(euPool, "alice", user([]string{"SOFTWARE_TOKEN_MFA"}, "SOFTWARE_TOKEN_MFA", "email=alice@example.com"))
	f.addUser(euPool, "bob", user(nil, ""))
	f.addPool(usPool, &cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOptional,
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms")}}}, nil)
	f.addUser(usPool, "carol", user([]string{"SMS_MFA"}, "", "phone_number=+15555550100"))
	f.addUser(usPool, "dave", user(nil, ""))
	return f
}

func TestReadLiveAcrossRegions(t *testing.T) {
	f := twoRegions()
	c, _ := f.client(Options{})
	live, err := c.ReadLive(context.Background(), state.ReadSet{
		euPool: {"alice", "bob", "alice"},
		usPool: {"carol", "dave", "erin"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}

	eu := live.Pools[euPool]
	if eu == nil || !eu.Exists || eu.Config.MfaConfiguration != state.ModeOn || !eu.Config.SoftwareTokenMfaConfiguration.Enabled ||
		eu.Prerequisites.Tier != "PLUS" {
		t.Fatalf("eu pool = %s", dump(eu))
	}
	if alice := eu.Users["alice"]; alice == nil || !alice.Exists || !alice.HasEmail || alice.Unknown != "" ||
		!reflect.DeepEqual(alice.Settings, settings(none, preferred, none)) {
		t.Errorf("alice = %s", dump(alice))
	}
	if bob := eu.Users["bob"]; bob == nil || bob.Unknown == "" {
		t.Errorf("bob (empty list, pool ON) = %s; want unknown", dump(bob))
	}
	us := live.Pools[usPool]
	if us == nil || !us.Config.SmsMfaConfiguration.Enabled {
		t.Fatalf("us pool = %s", dump(us))
	}
	if carol := us.Users["carol"]; carol == nil || !carol.HasPhoneNumber || !carol.Settings.SMSMfaSettings.Enabled {
		t.Errorf("carol = %s", dump(carol))
	}
	if dave := us.Users["dave"]; dave == nil || dave.Unknown != "" {
		t.Errorf("dave (empty list, pool OPTIONAL) = %s; want trusted", dump(dave))
	}
	if erin := us.Users["erin"]; erin == nil || erin.Exists || erin.Username != "erin" {
		t.Errorf("erin = %s; want a user that does not exist", dump(erin))
	}

	regions := slices.Clone(f.regions)
	slices.Sort(regions)
	if !reflect.DeepEqual(regions, []string{"eu-west-1", "us-east-1"}) {
		t.Errorf("APIs created for %q; want one per Region", f.regions)
	}
	calls := f.callLog()
	for _, c := range calls {
		region, rest, _ := strings.Cut(c, " ")
		if !strings.Contains(rest, region+"_") {
			t.Errorf("call %q went to the wrong Region", c)
		}
	}
	if n := countPrefix(calls, "eu-west-1 AdminGetUser "+euPool+" alice"); n != 1 {
		t.Errorf("alice read %d times; want once", n)
	}
	// 2 pools × 2 reads + 5 distinct users
	if len(calls) != 9 {
		t.Errorf("%d calls; want 9: %q", len(calls), calls)
	}
}

func countPrefix(calls []string, prefix string) int {
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func TestReadLiveMissingPoolIsNotAnError(t *testing.T) {
	f := twoRegions()
	c, _ := f.client(Options{})
	var last [2]int
	live, err := c.ReadLive(context.Background(), state.ReadSet{"eu-west-1_Gone": {"x", "y"}, usPool: {"carol"}},
		func(done, total int) { last = [2]int{done, total} })
	if err != nil {
		t.Fatal(err)
	}
	gone := live.Pools["eu-west-1_Gone"]
	if gone == nil || gone.Exists || len(gone.Users) != 0 {
		t.Errorf("missing pool = %s; want Exists false and no users", dump(gone))
	}
	if n := countPrefix(f.callLog(), "eu-west-1 AdminGetUser"); n != 0 {
		t.Errorf("%d user reads on a missing pool; want none", n)
	}
	if last != [2]int{5, 5} {
		t.Errorf("last progress = %v; want [5 5]", last)
	}
}

func TestReadLiveNamesEveryFailureAndKeepsTheRest(t *testing.T) {
	f := twoRegions()
	c, _ := f.client(Options{})
	denied := apiError("AccessDeniedException", "not authorized to perform cognito-idp:GetUserPoolMfaConfig")
	f.failNext("GetUserPoolMfaConfig "+euPool, denied)
	f.failNext("AdminGetUser "+usPool+" dave", apiError("InternalErrorException", "oops"))
	live, err := c.ReadLive(context.Background(), state.ReadSet{euPool: {"alice", "bob"}, usPool: {"carol", "dave"}}, nil)
	var readErr *ReadError
	if !errors.As(err, &readErr) {
		t.Fatalf("err = %v; want *ReadError", err)
	}
	if len(readErr.Failures) != 2 || readErr.Skipped != 2 {
		t.Fatalf("ReadError = %s; want 2 failures, 2 skipped users", dump(readErr))
	}
	msg := err.Error()
	for _, want := range []string{"pool " + euPool + ": AccessDeniedException", "cognito-idp:GetUserPoolMfaConfig",
		"pool " + usPool + " user dave: InternalErrorException", "skipped 2 users"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	var callErr *CallError
	if !errors.As(err, &callErr) {
		t.Error("errors.As finds no CallError in a ReadError")
	}
	if _, ok := live.Pools[euPool]; ok {
		t.Error("the unreadable pool is in the result")
	}
	if carol := live.Pools[usPool].Users["carol"]; carol == nil || !carol.Exists {
		t.Errorf("carol = %s; want read despite the other failures", dump(carol))
	}
}

func TestReadLiveRetriesConcurrentModification(t *testing.T) {
	f := twoRegions()
	c, slept := f.client(Options{})
	f.failNext("AdminGetUser "+usPool+" carol", &types.ConcurrentModificationException{Message: aws.String("busy")})
	live, err := c.ReadLive(context.Background(), state.ReadSet{usPool: {"carol"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if live.Pools[usPool].Users["carol"] == nil || len(*slept) != 1 {
		t.Errorf("carol = %s after %v; want read after one retry", dump(live.Pools[usPool].Users["carol"]), *slept)
	}
}

func TestReadLiveBadPoolID(t *testing.T) {
	f := twoRegions()
	c, _ := f.client(Options{})
	_, err := c.ReadLive(context.Background(), state.ReadSet{"nonsense": {"a"}}, nil)
	var readErr *ReadError
	if !errors.As(err, &readErr) || len(readErr.Failures) != 1 || !strings.Contains(err.Error(), "does not start with a Region") {
		t.Fatalf("err = %v; want one failure explaining the pool ID", err)
	}
}

func TestReadLiveProgressAndConcurrencyBound(t *testing.T) {
	f := newFakeCognito()
	var names []string
	for p := range 3 {
		id := fmt.Sprintf("eu-west-1_P%d", p)
		f.addPool(id, &cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOptional,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}, nil)
		for u := range 20 {
			name := fmt.Sprintf("u%d", u)
			f.addUser(id, name, user([]string{"SOFTWARE_TOKEN_MFA"}, ""))
			if p == 0 {
				names = append(names, name)
			}
		}
	}
	f.delay = 2 * time.Millisecond
	c, _ := f.client(Options{Concurrency: 4})
	var mu sync.Mutex
	var seen []int
	rs := state.ReadSet{"eu-west-1_P0": names, "eu-west-1_P1": names, "eu-west-1_P2": names}
	live, err := c.ReadLive(context.Background(), rs, func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if total != 63 {
			t.Errorf("total = %d; want 63", total)
		}
		seen = append(seen, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(seen) || seen[0] != 0 || seen[len(seen)-1] != 63 || len(seen) != 64 {
		t.Errorf("progress went %v; want 0..63 in steps of one", seen)
	}
	for id, p := range live.Pools {
		if len(p.Users) != 20 {
			t.Errorf("%s has %d users; want 20", id, len(p.Users))
		}
	}
	// user workers plus pool readers
	if f.maxInFlight > 2*4 {
		t.Errorf("%d calls in flight; want at most %d", f.maxInFlight, 2*4)
	}
}

func TestReadLiveStopsWhenCancelled(t *testing.T) {
	f := newFakeCognito()
	f.addPool(euPool, &cip.GetUserPoolMfaConfigOutput{}, nil)
	var names []string
	for u := range 1000 {
		names = append(names, fmt.Sprintf("u%d", u))
		f.addUser(euPool, names[u], user(nil, ""))
	}
	f.delay = 50 * time.Millisecond
	c, _ := f.client(Options{Concurrency: 2})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(120*time.Millisecond, cancel)
	_, err := c.ReadLive(ctx, state.ReadSet{euPool: names}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
	if n := len(f.callLog()); n > 20 {
		t.Errorf("%d calls made after cancellation; want it to stop at once", n)
	}
}
