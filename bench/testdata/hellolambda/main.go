// Command hellolambda is the baseline of figure 4 of `make bench`: the cold start of a Go
// bootstrap that does nothing but answer, on aws-lambda-go as the functions are.
//
// It lives under testdata so that `./...` leaves it out: it imports AWS, which only the edges
// of the platform may (shared/archtest), and it is no part of the platform.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, event json.RawMessage) (map[string]any, error) {
		return map[string]any{"statusCode": 200, "body": "hello, world"}, nil
	})
}
