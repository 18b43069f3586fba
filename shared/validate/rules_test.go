package validate

import (
	"strings"
	"testing"
)

// standardUSCC is the example code printed in GB 32100-2015. Both its check characters hold:
// organisation code M000100Y → check 4 (M=22, Y=34 in GB 11714 values), and the whole code → 3.
const standardUSCC = "91350100M000100Y43"

func TestUSCCAcceptsTheStandardsExample(t *testing.T) {
	if !USCC(standardUSCC) {
		t.Fatalf("USCC(%q) = false", standardUSCC)
	}
}

func TestUSCCRefusesEverySingleCharacterChangeOfTheExample(t *testing.T) {
	// Every weight is non-zero mod 31 and 31 is prime, so any substitution within the alphabet
	// moves the sum and must break the 18th character; characters outside it are refused outright.
	candidates := usccAlphabet + "IOSVZ" + "abcdefghjkmnpqrtuwxy" + "-* "
	for i := range len(standardUSCC) {
		for _, c := range []byte(candidates) {
			if c == standardUSCC[i] {
				continue
			}
			s := standardUSCC[:i] + string(c) + standardUSCC[i+1:]
			if USCC(s) {
				t.Errorf("USCC(%q) = true after changing position %d to %q", s, i+1, c)
			}
		}
	}
}

func TestUSCCRefusesAWrongOrganisationCheckEvenWhenThe18thIsRight(t *testing.T) {
	first17 := standardUSCC[:16] + "5" // the organisation code's check should be 4
	s := first17 + string(usccCheck(first17))
	if usccCheck(s[:17]) != s[17] {
		t.Fatalf("test setup: 18th character of %q is not right", s)
	}
	if USCC(s) {
		t.Errorf("USCC(%q) = true with a wrong organisation-code check character", s)
	}
}

func TestUSCCRefuses(t *testing.T) {
	for name, s := range map[string]string{
		"empty":                    "",
		"lowercase":                strings.ToLower(standardUSCC),
		"17 characters":            standardUSCC[:17],
		"19 characters":            standardUSCC + "0",
		"unknown authority Z":      "Z" + standardUSCC[1:],
		"authority B":              "B" + standardUSCC[1:],
		"letter in division":       "9135A100M000100Y43",
		"full-width digit":         "９1350100M000100Y4",
		"letter I for 1":           "9I350100M000100Y43",
		"letter O for 0":           "91350I00M000100Y43",
		"letter S":                 "91350100S000100Y43",
		"letter V":                 "91350100V000100Y43",
		"letter Z":                 "91350100Z000100Y43",
		"trailing space":           standardUSCC + " ",
		"all zeros (checks wrong)": "000000000000000000",
	} {
		if USCC(s) {
			t.Errorf("%s: USCC(%q) = true", name, s)
		}
	}
}

func TestUSCCAcceptsOtherAuthorities(t *testing.T) {
	// Law firms (31…) and national registrations (division 100000) are real codes.
	for _, prefix := range []string{"31320000", "11100000", "51100000", "Y1320100", "N2320281", "92320281"} {
		s, err := ComposeUSCC(prefix, "MA1X2Y3P")
		if err != nil {
			t.Fatalf("ComposeUSCC(%q): %v", prefix, err)
		}
		if !USCC(s) {
			t.Errorf("USCC(%q) = false", s)
		}
	}
}

func TestComposeUSCCRoundTrips(t *testing.T) {
	if s, err := ComposeUSCC(standardUSCC[:8], standardUSCC[8:16]); err != nil || s != standardUSCC {
		t.Errorf("ComposeUSCC of the example = %q, %v; want %q", s, err, standardUSCC)
	}
	for _, body := range []string{"00000000", "MA1MXRGB", "12345678", "QWERTYUP", "XXXXXXXX", "07030101"} {
		s, err := ComposeUSCC("91320200", body)
		if err != nil {
			t.Fatalf("ComposeUSCC(%q): %v", body, err)
		}
		if !USCC(s) || s[:8] != "91320200" || s[8:16] != body {
			t.Errorf("ComposeUSCC(91320200, %q) = %q, not a valid code with those parts", body, s)
		}
	}
}

func TestComposeUSCCRefusesBadParts(t *testing.T) {
	for _, c := range [][2]string{
		{"9132020", "MA1MXRGB"},  // short prefix
		{"91320200", "MA1MXRG"},  // short body
		{"Z1320200", "MA1MXRGB"}, // authority
		{"9132A200", "MA1MXRGB"}, // division not digits
		{"91320200", "MA1MXRGI"}, // I is not in the alphabet
		{"91320200", "ma1mxrgb"}, // lowercase
	} {
		if s, err := ComposeUSCC(c[0], c[1]); err == nil {
			t.Errorf("ComposeUSCC(%q, %q) = %q, want an error", c[0], c[1], s)
		}
	}
}

func TestResidentID(t *testing.T) {
	computed, err := ComposeResidentID("32028119900307123")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		id   string
		want bool
	}{
		{"computed", computed, true},
		{"GB 11643 example with X check", "11010519491231002X", true},
		{"X check in lowercase", "11010519491231002x", false},
		{"wrong check digit", computed[:17] + string("0123456789"[(strings.IndexByte("0123456789", computed[17])+1)%10]), false},
		{"X where a digit is due", computed[:17] + "X", computed[17] == 'X'},
		{"30 February", mustID(t, "320281199902301230"), false},
		{"born 1899", mustID(t, "320281189912311230"), false},
		{"29 February in a leap year", mustID(t, "320281200002291230"), true},
		{"unknown region 99", mustID(t, "990281199003071230"), false},
		{"Taiwan residence permit 83", mustID(t, "830000199003071230"), true},
		{"17 characters", computed[:17], false},
		{"letter in the body", "3202811990030712A" + "1", false},
		{"empty", "", false},
	} {
		if got := ResidentID(tc.id); got != tc.want {
			t.Errorf("%s: ResidentID(%q) = %v, want %v", tc.name, tc.id, got, tc.want)
		}
	}
}

// mustID gives id its right check character, computed without ComposeResidentID's checks so
// that IDs with bad dates or regions can be built.
func mustID(t *testing.T, id string) string {
	t.Helper()
	return id[:17] + string(idCheck(id[:17]))
}

func TestComposeResidentIDRefusesBadBodies(t *testing.T) {
	for _, s := range []string{"3202811999023012", "32028119990230123", "99028119900307123", "3202811990030712X"} {
		if id, err := ComposeResidentID(s); err == nil {
			t.Errorf("ComposeResidentID(%q) = %q, want an error", s, id)
		}
	}
}

func TestPhone(t *testing.T) {
	for _, tc := range []struct {
		phone string
		want  bool
	}{
		{"13912345678", true},
		{"19912345678", true},
		{"+8613912345678", true},
		{"+86 13912345678", true},
		{"+86-13912345678", true},
		{"12912345678", false},    // no 12x mobiles
		{"1391234567", false},     // 10 digits
		{"139123456789", false},   // 12 digits
		{"+8513912345678", false}, // another country
		{"025-83331234", true},
		{"02583331234", true},
		{"0512-6523456", true},
		{"010-12345678", true},
		{"025-83331234-123", true},
		{"025-83331234-1234567", false}, // extension too long
		{"25-83331234", false},          // area code without 0
		{"025-833312", false},           // 6-digit number
		{"400-123-4567", true},
		{"4001234567", true},
		{"800-123-4567", true},
		{"500-123-4567", false},
		{"13912345678 ", false},
		{"", false},
	} {
		if got := Phone(tc.phone); got != tc.want {
			t.Errorf("Phone(%q) = %v, want %v", tc.phone, got, tc.want)
		}
	}
}

func TestDivisions(t *testing.T) {
	for _, tc := range []struct {
		code                      string
		division, jiangsu, county bool
	}{
		{"320281", true, true, true},    // 江阴市
		{"320102", true, true, true},    // 玄武区
		{"320200", true, true, false},   // 无锡市, a prefecture
		{"320000", true, true, false},   // 江苏省
		{"320081", true, true, false},   // no prefecture digits
		{"310101", true, false, false},  // Shanghai
		{"110000", true, false, false},  // Beijing
		{"990000", false, false, false}, // no such province
		{"3202811", false, false, false},
		{"32028", false, false, false},
		{"32028a", false, false, false},
		{"", false, false, false},
	} {
		if got := Division(tc.code); got != tc.division {
			t.Errorf("Division(%q) = %v, want %v", tc.code, got, tc.division)
		}
		if got := JiangsuDivision(tc.code); got != tc.jiangsu {
			t.Errorf("JiangsuDivision(%q) = %v, want %v", tc.code, got, tc.jiangsu)
		}
		if got := JiangsuCounty(tc.code); got != tc.county {
			t.Errorf("JiangsuCounty(%q) = %v, want %v", tc.code, got, tc.county)
		}
	}
}

func TestNoControl(t *testing.T) {
	for s, want := range map[string]bool{
		"南京知识产权代理有限公司":       true,
		"Room 1, No. 2 Road": true,
		"":                   true,
		"line\nbreak":        false,
		"tab\there":          false,
		"nul\x00":            false,
		"del\x7f":            false,
	} {
		if got := NoControl(s); got != want {
			t.Errorf("NoControl(%q) = %v, want %v", s, got, want)
		}
	}
}
