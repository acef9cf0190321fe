# ORG-001: a tier-0 service pages through PagerDuty.
package acme.pagerduty_escalation

metadata := {
	"id": "ORG-001",
	"slug": "pagerduty-escalation",
	"category": "incident",
	"severity": "major",
	"tiers": ["required", "recommended", "skipped"],
	"summary": "Paging alerts of a tier-0 service are routed to a PagerDuty receiver.",
	"docs": concat("\n", [
		"## What it checks",
		"Paging alerts of a tier-0 service are routed to a PagerDuty receiver.",
		"",
		"An Alertmanager route that matches `severity=\"page\"` must name a receiver with a",
		"`pagerduty_configs` integration: Acme's escalation policies (three levels, ending with the",
		"duty manager) live in PagerDuty, and only a PagerDuty receiver reaches them.",
		"## Why it matters",
		"A page that lands in a chat channel at 3am is read at 9am.",
		"## How to fix",
		"Add a receiver with `pagerduty_configs` and route `severity=\"page\"` alerts to it.",
		"## References",
		"- Acme incident handbook, \"Paging\".",
	]),
	"evidence": ["alertmanager"],
	"effort": 2,
}

# Every route of a routing tree, nested ones included.
routes contains r if {
	some c in input.alertmanager
	walk(c.route, [path, r])
	is_object(r)
	r.matchers
}

pagerduty_receivers contains rc.name if {
	some c in input.alertmanager
	some rc in c.receivers
	some i in rc.integrations
	i.kind == "pagerduty_configs"
}

pages_to_pagerduty if {
	some r in routes
	"severity=\"page\"" in r.matchers
	r.receiver in pagerduty_receivers
}

findings contains f if {
	count(input.alertmanager) == 0
	f := {
		"message": "no Alertmanager configuration: paging alerts reach no PagerDuty escalation",
		"path": input.service.manifest_path,
		"line": object.get(input.manifest_lines, "/tier", 1),
		"resource": input.service.name,
	}
}

findings contains f if {
	some c in input.alertmanager
	not pages_to_pagerduty
	f := {
		"message": "no route sends severity=\"page\" alerts to a receiver with pagerduty_configs",
		"path": c.path,
		"line": c.line,
	}
}
