// Package site embeds the static form site so the local runner serves it from its own binary;
// deployments serve the same files from a bucket.
package site

import "embed"

//go:embed *.html *.css js/*.js js/pages/*.js
var Files embed.FS

// ContentSecurityPolicy is the site's policy wherever it is served: the local runner sends it,
// and template.yaml's CloudFront headers must equal it (infra/sam checks). No inline script or
// style: every page's code is a module of the site's own origin.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
