package cognito

// SDKModule is the AWS SDK module mfactl's Cognito client is built on.
const SDKModule = "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

// SDKModelDate is the date of the Cognito API model that the SDK version in
// go.mod (v1.61.0) was generated from. Update it with the SDK.
const SDKModelDate = "2026-06-01"
