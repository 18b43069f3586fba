package validate

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// usccAlphabet is the GB 32100-2015 character set. I, O, S, V and Z are left out because they
// are easily misread as 1, 0, 5, U and 2; a character's value in the check sum is its index here.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1–17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights of the organisation code's 8 body characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// usccAuthorities are the registration-authority codes in use. GB 32100-2015 itself lists only
// 1 5 9 Y; 2 3 4 6 7 8 A N were assigned later. 3 (司法行政) matters here: law firms, which
// offer IP legal services, hold codes starting 31, so the short list would refuse real agencies.
const usccAuthorities = "123456789ANY"

// USCC reports whether s is a unified social credit code (GB 32100-2015) whose both check
// characters are right: the 18th over the whole code, and the 17th over the embedded GB 11714
// organisation code. Positions 3–8 must be six digits but need not be a province-level division:
// national registrations use 100000.
func USCC(s string) bool {
	if len(s) != 18 || strings.IndexByte(usccAuthorities, s[0]) < 0 || !digits(s[2:8]) {
		return false
	}
	for i := range len(s) {
		if strings.IndexByte(usccAlphabet, s[i]) < 0 {
			return false
		}
	}
	return orgCheck(s[8:16]) == s[16] && usccCheck(s[:17]) == s[17]
}

// ComposeUSCC builds a valid code from its first 8 characters (authority, category, division)
// and the 8 body characters of the organisation code, computing both check characters.
func ComposeUSCC(prefix8, orgBody8 string) (string, error) {
	if len(prefix8) != 8 || len(orgBody8) != 8 {
		return "", fmt.Errorf("validate: ComposeUSCC needs 8 + 8 characters, got %q and %q", prefix8, orgBody8)
	}
	first16 := prefix8 + orgBody8
	for i := range len(first16) {
		if strings.IndexByte(usccAlphabet, first16[i]) < 0 {
			return "", fmt.Errorf("validate: ComposeUSCC: %q is not in the USCC alphabet", first16[i])
		}
	}
	first17 := first16 + string(orgCheck(orgBody8))
	s := first17 + string(usccCheck(first17))
	if !USCC(s) {
		return "", fmt.Errorf("validate: ComposeUSCC: prefix %q needs an authority in %q and a 6-digit division", prefix8, usccAuthorities)
	}
	return s, nil
}

// usccCheck is the 18th character for 17 characters already known to be in the alphabet.
func usccCheck(first17 string) byte {
	sum := 0
	for i := range 17 {
		sum += strings.IndexByte(usccAlphabet, first17[i]) * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31]
}

// orgCheck is the GB 11714 check character of an 8-character organisation-code body. GB 11714
// values letters as A=10 … Z=35, not by their index in the USCC alphabet; mixing the two up
// accepts wrong codes.
func orgCheck(body8 string) byte {
	sum := 0
	for i := range 8 {
		c := body8[i]
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0 // matches no check character, so the code is refused
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// provinces are the GB/T 2260 province-level codes (71 Taiwan, 81 Hong Kong, 82 Macao).
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// idRegions adds 83 to the provinces: residence permits of Taiwan residents living on the
// mainland (港澳台居民居住证) are numbered 830000…, with the same check digit, and such a person
// may well be a patent applicant.
func idRegion(s string) bool { return provinces[s] || s == "83" }

// idWeights are the ISO 7064 MOD 11-2 weights (2^(18-i) mod 11) of GB 11643.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ResidentID reports whether s is an 18-character PRC resident ID number: a known region, a real
// birth date from 1900 on, and the right check character. A lowercase x is refused so the stored
// number has one spelling. Whether the birth date is in the future is not checked: that needs the
// clock, which rules here do not read.
func ResidentID(s string) bool {
	if len(s) != 18 || !validIDBody(s[:17]) {
		return false
	}
	return idCheck(s[:17]) == s[17]
}

// ComposeResidentID appends the check character to 17 digits that have a known region and a real
// birth date.
func ComposeResidentID(first17 string) (string, error) {
	if len(first17) != 17 || !validIDBody(first17) {
		return "", fmt.Errorf("validate: ComposeResidentID: %q is not 17 digits with a known region and a real birth date", first17)
	}
	return first17 + string(idCheck(first17)), nil
}

func validIDBody(s string) bool {
	if !digits(s) || !idRegion(s[:2]) {
		return false
	}
	birth, err := time.Parse("20060102", s[6:14])
	return err == nil && birth.Year() >= 1900
}

func idCheck(first17 string) byte {
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11] // (12 - sum mod 11) mod 11, with 10 written X
}

// Division reports whether s is a 6-digit GB/T 2260 code under a real province-level unit. It
// does not hold the full code list, which changes every year; the province prefix catches typos
// and made-up codes.
func Division(s string) bool {
	return len(s) == 6 && digits(s) && provinces[s[:2]]
}

// JiangsuDivision reports whether s is a division code in Jiangsu.
func JiangsuDivision(s string) bool { return Division(s) && s[:2] == "32" }

// JiangsuCounty reports whether s is a Jiangsu county-level unit: neither the province (320000)
// nor a prefecture (32xx00).
func JiangsuCounty(s string) bool {
	return JiangsuDivision(s) && s[2:4] != "00" && s[4:6] != "00"
}

var (
	mobileRE   = regexp.MustCompile(`^(?:\+86[ -]?)?1[3-9][0-9]{9}$`)
	landlineRE = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?$`)
	serviceRE  = regexp.MustCompile(`^[48]00-?[0-9]{3}-?[0-9]{4}$`)
)

// Phone reports whether s is a mainland China phone number as people write it: a mobile number
// (optionally +86), a landline with area code and optional extension, or a 400/800 number.
func Phone(s string) bool {
	return mobileRE.MatchString(s) || landlineRE.MatchString(s) || serviceRE.MatchString(s)
}

// NoControl reports whether s is free of C0 control characters and DEL, which have no place in a
// name or an address and can break logs, CSV exports and printed certificates.
func NoControl(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
