package cognitotest

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// BenchUsers is the pool sizes a big-pool benchmark runs: the
// comma-separated sizes of MFACTL_BENCH_USERS (e.g. 100000,1000000), or
// defaults when it is unset. A size that is not a positive number stops the
// benchmark rather than being passed over.
func BenchUsers(tb testing.TB, defaults ...int) []int {
	env := os.Getenv("MFACTL_BENCH_USERS")
	if env == "" {
		return defaults
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			tb.Fatalf("MFACTL_BENCH_USERS=%q: want sizes like 100000,1000000", env)
		}
		sizes = append(sizes, n)
	}
	return sizes
}
