// Command mfactl manages Amazon Cognito MFA as code.
package main

import (
	"os"

	"github.com/mfactl/mfactl/cmd"
)

func main() { os.Exit(cmd.Main()) }
