// Command mfactl manages Amazon Cognito MFA as code.
package main

import (
	"os"

	"github.com/mfactl/mfactl/internal/cmd"
)

func main() { os.Exit(cmd.Main()) }
