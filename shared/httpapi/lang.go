package httpapi

import "golang.org/x/text/language"

var langMatcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// negotiate picks "zh" (the default) or "en" from Accept-Language.
func negotiate(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return "zh"
	}
	_, i, conf := langMatcher.Match(tags...)
	if i == 1 && conf != language.No {
		return "en"
	}
	return "zh"
}
