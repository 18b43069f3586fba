package validate_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/validate"
)

// The oracles below are written from the standards again, sharing no code or tables with
// rules.go, so that a fuzz failure shows the two disagreeing rather than one bug twice.

// gb32100Chars is the GB 32100-2015 code alphabet in value order (I, O, S, V, Z are not used).
var gb32100Chars = []byte("0123456789ABCDEFGHJKLMNPQRTUWXY")

func gb32100Value(c byte) int {
	for v, x := range gb32100Chars {
		if x == c {
			return v
		}
	}
	return -1
}

// gb11714Value is a character's value in the organisation code: digits as themselves, letters
// A=10 … Z=35.
func gb11714Value(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// orgCodeCheck is GB 11714's check character over the 8-character body.
func orgCodeCheck(body string) (byte, bool) {
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 8 {
		v := gb11714Value(body[i])
		if v < 0 {
			return 0, false
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', true
	case 11:
		return '0', true
	default:
		return byte('0' + c), true
	}
}

// usccCheckChar is GB 32100's 18th character: weights 3^(i-1) mod 31, C18 = 31 - sum mod 31.
func usccCheckChar(first17 string) (byte, bool) {
	sum, w := 0, 1
	for i := range 17 {
		v := gb32100Value(first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * w
		w = w * 3 % 31
	}
	return gb32100Chars[(31-sum%31)%31], true
}

// isUSCC is the oracle: 18 characters of the alphabet, a registration authority of 1–9, A, N
// or Y, a six-digit division in positions 3–8, and both check characters right.
func isUSCC(s string) bool {
	if len(s) != 18 || !strings.ContainsRune("123456789ANY", rune(s[0])) {
		return false
	}
	for i := range 18 {
		if gb32100Value(s[i]) < 0 || (i >= 2 && i < 8 && (s[i] < '0' || s[i] > '9')) {
			return false
		}
	}
	org, ok1 := orgCodeCheck(s[8:16])
	full, ok2 := usccCheckChar(s[:17])
	return ok1 && ok2 && s[16] == org && s[17] == full
}

// FuzzUSCC holds validate.USCC to the oracle on arbitrary strings and, because random strings
// almost never carry right check characters, also on each input with both check characters
// recomputed, so the accepting side is explored as much as the refusing one.
func FuzzUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91320281MA20JY015Q", "31320000MD0163842X", "12100000400010752B",
		"91350100M000100Y4", "９1350100M000100Y43", "91350100M000100Y43\x00", "Z1350100M000100Y43", "91350100m000100y43"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validate.USCC(s), isUSCC(s); got != want {
			t.Fatalf("USCC(%q) = %v, oracle says %v", s, got, want)
		}
		if len(s) < 16 {
			return
		}
		org, ok := orgCodeCheck(s[:16][8:])
		if !ok {
			return
		}
		first17 := s[:16] + string(org)
		full, ok := usccCheckChar(first17)
		if !ok {
			return
		}
		repaired := first17 + string(full)
		if got, want := validate.USCC(repaired), isUSCC(repaired); got != want {
			t.Fatalf("USCC(%q) = %v, oracle says %v", repaired, got, want)
		}
		composed, err := validate.ComposeUSCC(s[:8], s[8:16])
		switch {
		case isUSCC(repaired) && (err != nil || composed != repaired):
			t.Fatalf("ComposeUSCC(%q, %q) = %q, %v; want %q", s[:8], s[8:16], composed, err, repaired)
		case !isUSCC(repaired) && err == nil:
			t.Fatalf("ComposeUSCC(%q, %q) = %q, which the oracle refuses", s[:8], s[8:16], composed)
		}
	})
}

// idRegions are the GB/T 2260 province-level codes, and 83 for residence permits of Taiwan
// residents (README "Extensions": accepted).
var idRegions = map[string]bool{}

func init() {
	for _, r := range strings.Fields("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83") {
		idRegions[r] = true
	}
}

// realDate says whether y-m-d exists in the Gregorian calendar, by the leap-year rule rather
// than the time package the validator uses.
func realDate(y, m, d int) bool {
	days := []int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return d <= 29
	}
	return d <= days[m]
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// idBodyOK: 17 digits, a known region, and a real birth date from 1900 on.
func idBodyOK(first17 string) bool {
	if len(first17) != 17 || !allDigits(first17) || !idRegions[first17[:2]] {
		return false
	}
	y, _ := strconv.Atoi(first17[6:10])
	m, _ := strconv.Atoi(first17[10:12])
	d, _ := strconv.Atoi(first17[12:14])
	return y >= 1900 && realDate(y, m, d)
}

// idCheckChar is ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11,
// 10 written X.
func idCheckChar(first17 string) byte {
	sum := 0
	for i := range 17 {
		w := 1
		for range 17 - i {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

func isResidentID(s string) bool {
	return len(s) == 18 && idBodyOK(s[:17]) && s[17] == idCheckChar(s[:17])
}

// FuzzResidentID holds validate.ResidentID to the oracle, on each input and on it with its check
// character recomputed; an impossible birth date (2023-02-29, month 13, day 00) must be refused
// even with the right check character.
func FuzzResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "320102199001011234", "320102202302290017", "320102200002290011",
		"830000199001011230", "990102199001011234", "32010219001301001X", "11010518991231002X", "11010519491231002x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validate.ResidentID(s), isResidentID(s); got != want {
			t.Fatalf("ResidentID(%q) = %v, oracle says %v", s, got, want)
		}
		if len(s) < 17 || !allDigits(s[:17]) {
			return
		}
		repaired := s[:17] + string(idCheckChar(s[:17]))
		if got, want := validate.ResidentID(repaired), idBodyOK(s[:17]); got != want {
			t.Fatalf("ResidentID(%q) = %v with the right check character; the body is valid: %v", repaired, got, want)
		}
		composed, err := validate.ComposeResidentID(s[:17])
		if (err == nil) != idBodyOK(s[:17]) || (err == nil && composed != repaired) {
			t.Fatalf("ComposeResidentID(%q) = %q, %v; want %q, body valid %v", s[:17], composed, err, repaired, idBodyOK(s[:17]))
		}
	})
}

var integerLiteral = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// FuzzAmountFen sends arbitrary text as the amount of a real request type (a fee of a subsidy
// claim, 1 fen to 1,000,000,000 CNY) and checks the amount is taken exactly when it is an integer
// literal in range, and otherwise refused with an error naming /amount_fen and nothing else;
// an accepted amount re-encodes to its canonical literal and decodes back to itself.
func FuzzAmountFen(f *testing.F) {
	for _, s := range []string{"1", "100000000000", "100000000001", "0", "-1", "-0", "1.0", "1e3", "1E400", "1e-400",
		"9223372036854775807", "9223372036854775808", "-9223372036854775809", `"100"`, "true", "null", "[1]", `{"a":1}`,
		"0x10", "01", "+1", "1_000", "NaN", "Infinity", "１００", "100 ", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		body := []byte(`{"kind":"guarantee","amount_fen":` + s + `,"paid_on":"2022-03-01","invoice_no":"INV-1"}`)
		var fee domain.Fee
		err := validate.Request(body, &fee)
		trimmed := strings.Trim(s, " \t\r\n")
		n, parseErr := strconv.ParseInt(trimmed, 10, 64)
		inRange := integerLiteral.MatchString(trimmed) && parseErr == nil && n >= 1 && n <= 100_000_000_000
		if inRange {
			if err != nil || fee.AmountFen == nil || *fee.AmountFen != n {
				t.Fatalf("amount %q: %v, %v; want %d", s, err, fee.AmountFen, n)
			}
			out, err := json.Marshal(fee)
			if err != nil {
				t.Fatal(err)
			}
			if want := `"amount_fen":` + strconv.FormatInt(n, 10) + ","; !strings.Contains(string(out), want) {
				t.Fatalf("amount %q re-encodes as %s, want %s", s, out, want)
			}
			var again domain.Fee
			if err := validate.Request(out, &again); err != nil || *again.AmountFen != n {
				t.Fatalf("re-encoded %s: %v, %v", out, err, again.AmountFen)
			}
			return
		}
		if err == nil {
			t.Fatalf("amount %q accepted as %v", s, fee.AmountFen)
		}
		var de *domain.Error
		if !errors.As(err, &de) {
			t.Fatalf("amount %q: %T %v, not a domain error", s, err, err)
		}
		if !json.Valid([]byte(s)) {
			// Not one JSON value: the body is malformed, or s closed the member and added
			// others; either way a client error, which the checks after the switch hold.
			if de.Code != domain.CodeMalformed && de.Code != domain.CodeInvalid {
				t.Fatalf("amount %q: code %q, want malformed or invalid", s, de.Code)
			}
			return
		}
		switch de.Code {
		case domain.CodeMalformed:
			// s is one JSON value, so only what the decoder refuses beyond JSON's grammar may
			// make the body malformed: invalid UTF-8, \u escapes (lone surrogates), deep nesting.
			if utf8.ValidString(s) && !strings.Contains(s, `\u`) && strings.Count(s, "[")+strings.Count(s, "{") < validate.MaxDepth-1 {
				t.Fatalf("amount %q is JSON, but the body was refused as malformed: %v", s, err)
			}
		case domain.CodeInvalid:
			if len(de.Fields) != 1 || de.Fields[0].Field != "/amount_fen" {
				t.Fatalf("amount %q: fields %+v, want exactly /amount_fen", s, de.Fields)
			}
			// A number that is not an integer is a type error, an integer out of int64 a range
			// error, one within int64 but outside 1..1e11 the validator's min or max.
			code := de.Fields[0].Code
			var want []string
			switch {
			case trimmed == "null":
				want = []string{"required"}
			case !integerLiteral.MatchString(trimmed):
				want = []string{"type"}
			case parseErr != nil:
				want = []string{"range"}
			default:
				want = []string{"min", "max"}
			}
			if !slices.Contains(want, code) {
				t.Fatalf("amount %q refused with code %q, want one of %v", s, code, want)
			}
		default:
			t.Fatalf("amount %q: code %q, want malformed or invalid", s, de.Code)
		}
	})
}
