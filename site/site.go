// Package site embeds the static form site so the local runner serves it from its own binary;
// deployments serve the same files from a bucket.
package site

import "embed"

//go:embed *.html *.css js/*.js js/pages/*.js
var Files embed.FS
