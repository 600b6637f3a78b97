package main

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Behind a load balancer every request comes from the balancer's address; the
// client's own is in X-Forwarded-For, which anyone can also send. The header
// is believed only from the addresses -trusted-proxies names, and only as far
// as those proxies vouch for it: clientIP reads it from the right, where each
// trusted proxy appended the address it saw, and stops at the first address
// that is not a trusted proxy. An entry a client wrote itself on the left is
// never reached, so a guesser cannot pass for another client.

// parseProxies reads -trusted-proxies: addresses or CIDR ranges, separated by
// commas.
func parseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies: %q is neither an address (10.0.0.5, fd00::5) nor a CIDR range (10.0.0.0/24)", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// proxyStrings is the list in the form Fiber's TrustedProxies takes.
func proxyStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// trustedProxy reports whether a is one of the configured proxies.
func (s *server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address of the client a request is from: the peer's, or,
// when the peer is a trusted proxy, the nearest address in X-Forwarded-For
// that is not a trusted proxy.
func (s *server) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !s.trustedProxy(peer) {
		return peer.String()
	}
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(hops[i]), "[]"))
		if err != nil {
			break // a proxy vouches for nothing beyond a hop it could not read
		}
		client = a.Unmap()
		if !s.trustedProxy(client) {
			break
		}
	}
	return client.String()
}
