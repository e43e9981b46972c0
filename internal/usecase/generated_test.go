package usecase

import "github.com/mfactl/mfactl/internal/cognito/cognitotest"

// The pool the streaming tests and memory benchmarks read: cognitotest's,
// which makes each user as it is asked for and holds none.
type generatedPool = cognitotest.GeneratedPool

const generatedPoolID = cognitotest.GeneratedPoolID
