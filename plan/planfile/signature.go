package planfile

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeyEnv is the environment variable that holds the key plan files are
// signed with (`mfactl plan --out`) and checked against (`mfactl apply
// PLANFILE`). Without a key, a plan file is checked against itself and live
// state only: see docs/planning.md, "Plan files and tampering".
const KeyEnv = "MFACTL_PLAN_KEY"

const signaturePrefix = "hmac-sha256:"

// signature is the HMAC-SHA256 under key of the plan file's encoding
// without its Signature.
func signature(pj fileJSON, key []byte) (string, error) {
	pj.Signature = ""
	var b bytes.Buffer
	if err := encodePlan(&b, pj); err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(b.Bytes())
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil)), nil
}

// verifySignature checks a loaded plan file's Signature. The file is
// encoded again as Save encodes it, so any edit that changes what mfactl
// reads from it changes the digest; white space and unknown fields, which
// it does not read, do not.
func verifySignature(pj fileJSON, key []byte) error {
	switch {
	case len(key) == 0 && pj.Signature != "":
		return fmt.Errorf("the plan file is signed: set %s to the key it was signed with, so that apply can check it", KeyEnv)
	case len(key) == 0:
		return nil
	case pj.Signature == "":
		return fmt.Errorf("the plan file is not signed, and %s is set: make the plan with the same %s (mfactl plan --out), or unset it to apply an unsigned plan", KeyEnv, KeyEnv)
	case !strings.HasPrefix(pj.Signature, signaturePrefix):
		return fmt.Errorf("the plan file's Signature is not %s<hex>", signaturePrefix)
	}
	want, err := signature(pj, key)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(want), []byte(pj.Signature)) {
		return errors.New("the plan file's Signature does not match its content: it was edited after it was made, or signed with another key; make the plan again")
	}
	return nil
}
