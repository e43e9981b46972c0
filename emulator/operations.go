package emulator

// operation is a handler and whether it is authorised with IAM credentials
// (a SigV4-signed request) rather than a user's token.
type operation struct {
	fn  func(*Server, *call) (any, error)
	iam bool
}

// operations are the Cognito operations the emulator serves.
var operations = map[string]operation{
	"CreateUserPool":            {createUserPool, true},
	"DescribeUserPool":          {describeUserPool, true},
	"UpdateUserPool":            {updateUserPool, true},
	"ListUserPools":             {listUserPools, true},
	"GetUserPoolMfaConfig":      {getUserPoolMfaConfig, true},
	"SetUserPoolMfaConfig":      {setUserPoolMfaConfig, true},
	"CreateGroup":               {createGroup, true},
	"GetGroup":                  {getGroup, true},
	"ListGroups":                {listGroups, true},
	"CreateUserPoolClient":      {createUserPoolClient, true},
	"ListUserPoolClients":       {listUserPoolClients, true},
	"AdminCreateUser":           {adminCreateUser, true},
	"AdminDeleteUser":           {adminDeleteUser, true},
	"AdminGetUser":              {adminGetUser, true},
	"AdminSetUserPassword":      {adminSetUserPassword, true},
	"AdminAddUserToGroup":       {adminAddUserToGroup, true},
	"AdminListGroupsForUser":    {adminListGroupsForUser, true},
	"AdminSetUserMFAPreference": {adminSetUserMFAPreference, true},
	"AdminSetUserSettings":      {adminSetUserSettings, true},
	"ListUsers":                 {listUsers, true},
	"ListUsersInGroup":          {listUsersInGroup, true},
	"InitiateAuth":              {initiateAuth, false},
	"RespondToAuthChallenge":    {respondToAuthChallenge, false},
	"GetUser":                   {getUser, false},
	"SetUserMFAPreference":      {setUserMFAPreference, false},
	"AssociateSoftwareToken":    {associateSoftwareToken, false},
	"VerifySoftwareToken":       {verifySoftwareToken, false},
	"GlobalSignOut":             {globalSignOut, false},
	"DescribeRiskConfiguration": {describeRiskConfiguration, true},
	"SetRiskConfiguration":      {setRiskConfiguration, true},
	"AdminGetUserAuthFactors":   {adminGetUserAuthFactors, true},
	"AdminDeleteSoftwareToken":  {adminDeleteSoftwareToken, true},
	"GetProvisionedLimit":       {getProvisionedLimit, true},
	"UpdateProvisionedLimit":    {updateProvisionedLimit, true},
	"AdminUserGlobalSignOut":    {adminUserGlobalSignOut, true},
	"AdminListDevices":          {adminListDevices, true},
	"AdminForgetDevice":         {adminForgetDevice, true},
	"AdminResetUserPassword":    {adminResetUserPassword, true},
	"ListWebAuthnCredentials":   {listWebAuthnCredentials, false},
	"DeleteWebAuthnCredential":  {deleteWebAuthnCredential, false},
}

// Operations lists the operations the emulator serves.
func Operations() []string { return sortedKeys(operations) }
