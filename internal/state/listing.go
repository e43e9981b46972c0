package state

// ListedUser is one user of a ListUsers or ListUsersInGroup page: what
// the page carries, which is the user's attributes, status and legacy
// MFAOptions, but not their MFA preferences (those take an AdminGetUser
// each).
type ListedUser struct {
	Username   string
	Attributes map[string]string // only those asked for, when asked
	MFAOptions []MFAOption
	Status     string
	Enabled    bool
}

// Group is what mfactl needs of a Cognito group.
type Group struct {
	Name string
	// Precedence is the group's precedence, nil when it has none: Cognito
	// ranks a lower value above a higher one, and any value above none.
	Precedence *int
	Exists     bool
}
