// Package sam holds template.yaml to the repository and runs the Lambda artifacts as Lambda
// would. It has no code of its own: its tests are the contract that `sam build` and
// `sam deploy` will find the functions, routes, schedules, table and permissions the code
// expects, and that each built bootstrap answers its events.
package sam
