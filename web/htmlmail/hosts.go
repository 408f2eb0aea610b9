package htmlmail

import (
	"net/netip"
	"strconv"
	"strings"
)

// internalHost reports whether a resource's host is the reader's own
// machine or network: "localhost", or a loopback, private, link-local or
// unspecified IP literal. An image pointing there makes the browser send a
// GET into the intranet (the classic router CSRF), so such resources are
// dropped even when remote content is allowed. Names that merely resolve
// to such addresses cannot be caught here; the browser's Private Network
// Access checks and the body's CSP are the next layers.
func internalHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err != nil {
		var isIPv4 bool
		if ip, isIPv4 = legacyIPv4(h); !isIPv4 {
			return false
		}
		if !ip.IsValid() {
			return true // a browser refuses this URL; so do we
		}
	}
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsUnspecified()
}

// legacyIPv4 follows the WHATWG URL host parser: a host whose last label is
// a number is an IPv4 address, in any of the old forms ("2130706433",
// "0x7f.1", "0177.0.0.1"). It reports whether h is such a host and returns
// its address, or an invalid Addr if the browser would reject it.
func legacyIPv4(h string) (netip.Addr, bool) {
	parts := strings.Split(h, ".")
	if len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if _, ok := ipv4Part(parts[len(parts)-1]); !ok {
		return netip.Addr{}, false // ends in a name, not a number: a domain
	}
	if len(parts) > 4 {
		return netip.Addr{}, true
	}
	var n uint64
	for i, p := range parts {
		v, ok := ipv4Part(p)
		last := i == len(parts)-1
		if !ok || !last && v > 255 || last && v >= 1<<(8*(5-len(parts))) {
			return netip.Addr{}, true
		}
		if last {
			n = n<<(8*(5-len(parts))) | v
		} else {
			n = n<<8 | v
		}
	}
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// ipv4Part parses one dotted part: decimal, 0x-prefixed hex or 0-prefixed
// octal.
func ipv4Part(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		p, base = p[2:], 16
		if p == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		p, base = p[1:], 8
	}
	if p == "" || strings.HasPrefix(p, "+") || strings.HasPrefix(p, "-") {
		return 0, false
	}
	v, err := strconv.ParseUint(p, base, 64)
	return v, err == nil && v <= 1<<32
}
