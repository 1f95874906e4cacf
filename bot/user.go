package bot

import (
	"crypto/sha256"
	"encoding/hex"
)

// HashUser returns the form of a user or session id that logs may hold: the
// first 16 hex digits of its SHA-256. Logs never hold the id itself.
func HashUser(user string) string {
	sum := sha256.Sum256([]byte(user))
	return hex.EncodeToString(sum[:8])
}
