package htmlmail

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []token
	}{
		{"color:red", []token{{tokIdent, "color"}, {tokDelim, ":"}, {tokIdent, "red"}}},
		{"p\\6fsition : fixed", []token{{tokIdent, "position"}, {tokS, " "}, {tokDelim, ":"}, {tokS, " "}, {tokIdent, "fixed"}}},
		{"u\\72l(http://x/a)", []token{{tokURL, "http://x/a"}}},
		{"URL( 'http://x' )", []token{{tokFunction, "URL"}, {tokS, " "}, {tokString, "http://x"}, {tokS, " "}, {tokDelim, ")"}}},
		{"url(a b)", []token{{tokBadURL, ""}}},
		{"url(a\\29 b)", []token{{tokURL, "a)b"}}},
		{"expr/**/ession(1)", []token{{tokIdent, "expr"}, {tokS, " "}, {tokFunction, "ession"}, {tokNumber, "1"}, {tokDelim, ")"}}},
		{`'a\'b' "c\
d"`, []token{{tokString, "a'b"}, {tokS, " "}, {tokString, "cd"}}},
		{"'broken\nx", []token{{tokBadString, ""}, {tokS, " "}, {tokIdent, "x"}}},
		{"-5px 1.5em 50% +3 .5 1e3", []token{{tokDimension, "-5px"}, {tokS, " "}, {tokDimension, "1.5em"}, {tokS, " "},
			{tokPercentage, "50%"}, {tokS, " "}, {tokNumber, "+3"}, {tokS, " "}, {tokNumber, ".5"}, {tokS, " "}, {tokNumber, "1e3"}}},
		{"#fff #-a @media @1", []token{{tokHash, "fff"}, {tokS, " "}, {tokHash, "-a"}, {tokS, " "}, {tokAtKeyword, "media"},
			{tokS, " "}, {tokDelim, "@"}, {tokNumber, "1"}}},
		{"<!-- a --> [x~=y] !important", []token{{tokCDO, "<!--"}, {tokS, " "}, {tokIdent, "a"}, {tokS, " "}, {tokCDC, "-->"},
			{tokS, " "}, {tokDelim, "["}, {tokIdent, "x"}, {tokMatch, "~="}, {tokIdent, "y"}, {tokDelim, "]"}, {tokS, " "},
			{tokDelim, "!"}, {tokIdent, "important"}}},
		{"\\3c script\\3e", []token{{tokIdent, "<script>"}}},
		{"a\\", []token{{tokIdent, "a"}, {tokDelim, "\\"}}},
		{"/* unclosed", []token{{tokS, " "}}},
		{"é\\0", []token{{tokIdent, "é\uFFFD"}}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tokenize(tc.in), cmp.AllowUnexported(token{})); diff != "" {
				t.Errorf("tokenize(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
