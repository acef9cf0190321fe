# ORG-002: nothing uses the deprecated payments-v1 queue.
package acme.no_deprecated_queue

metadata := {
	"id": "ORG-002",
	"slug": "no-deprecated-queue",
	"category": "operations",
	"severity": "major",
	"tiers": ["required", "required", "required"],
	"summary": "No service depends on the deprecated `payments-v1` queue.",
	"docs": concat("\n", [
		"## What it checks",
		"No service depends on the deprecated `payments-v1` queue: not as a manifest dependency,",
		"not in a Kubernetes object (an environment variable, a ConfigMap), not in Terraform.",
		"## Why it matters",
		"`payments-v1` is switched off on 2027-03-31; whatever still reads it stops then.",
		"## How to fix",
		"Move to `payments-v2` (see the migration guide) and remove every reference.",
	]),
	"evidence": ["manifest", "kubernetes", "terraform"],
	"effort": 8,
}

deprecated := "payments-v1"

findings contains f if {
	some i, d in input.manifest.dependencies
	d.name == deprecated
	f := {
		"message": sprintf("dependency %s is the deprecated queue", [d.name]),
		"path": input.service.manifest_path,
		"line": input.manifest_lines[sprintf("/dependencies/%d/name", [i])],
	}
}

findings contains f if {
	some o in input.kubernetes
	walk(o.object, [path, v])
	is_string(v)
	contains(v, deprecated)
	f := {
		"message": sprintf("%s/%s refers to the deprecated queue %s", [o.kind, o.name, deprecated]),
		"path": o.path,
		"line": o.line,
		"resource": sprintf("%s/%s", [o.kind, o.name]),
	}
}

findings contains f if {
	some r in input.terraform
	some name, v in r.attributes
	is_string(v)
	contains(v, deprecated)
	f := {
		"message": sprintf("%s.%s refers to the deprecated queue %s", [r.address, name, deprecated]),
		"path": r.path,
		"line": r.attribute_lines[name],
		"resource": r.address,
	}
}
