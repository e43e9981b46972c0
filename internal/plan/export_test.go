package plan

// Test helpers shared with the external test package plan_test, which
// cannot live inside package plan because it drives the cognito client
// (which imports plan).
var LoadScenarioDesired = loadScenarioDesired
