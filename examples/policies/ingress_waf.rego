# ORG-003: every Ingress is behind the WAF.
package acme.ingress_waf

metadata := {
	"id": "ORG-003",
	"slug": "ingress-waf",
	"category": "security",
	"severity": "blocker",
	"tiers": ["required", "required", "recommended"],
	"summary": "Every Ingress carries the `waf.acme.dev/policy` annotation.",
	"docs": concat("\n", [
		"## What it checks",
		"Every Ingress carries the `waf.acme.dev/policy` annotation, which puts it behind the Acme",
		"web application firewall.",
		"## Why it matters",
		"An Ingress without it is reachable from the internet with no request filtering.",
		"## How to fix",
		"Add `waf.acme.dev/policy: standard` (or `strict`) to the Ingress annotations.",
	]),
	"evidence": ["kubernetes"],
	"effort": 1,
}

ingresses contains o if {
	some o in input.kubernetes
	o.kind == "Ingress"
}

not_applicable := "the repository deploys no Ingress" if count(ingresses) == 0

findings contains f if {
	some o in ingresses
	not o.annotations["waf.acme.dev/policy"]
	f := {
		"message": sprintf("Ingress %s has no waf.acme.dev/policy annotation", [o.name]),
		"path": o.path,
		"line": o.line,
		"resource": sprintf("Ingress/%s", [o.name]),
	}
}
