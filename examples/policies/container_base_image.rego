# ORG-004: the image that ships starts from an Acme base image and does not run as root.
package acme.container_base_image

metadata := {
	"id": "ORG-004",
	"slug": "acme-base-image-non-root",
	"category": "security",
	"severity": "major",
	"tiers": ["required", "required", "recommended"],
	"summary": "Every Dockerfile's final stage starts from an Acme base image (`registry.acme.dev/base/`) and runs as a non-root `USER`.",
	"docs": concat("\n", [
		"## What it checks",
		"Every Dockerfile's final stage (the image that ships) starts from an image of",
		"`registry.acme.dev/base/` (or from `scratch`), directly or through an earlier stage, and",
		"sets a `USER` other than root.",
		"## Why it matters",
		"Acme's base images are patched every week and scanned before they are published; a",
		"public image is neither. A container running as root turns an escape into a root",
		"compromise of the node.",
		"## How to fix",
		"Start the final stage `FROM registry.acme.dev/base/<runtime>:<tag>` and add",
		"`USER 65532` (the base images' `app` user) before `ENTRYPOINT`.",
	]),
	"evidence": ["dockerfiles"],
	"effort": 2,
}

base_registry := "registry.acme.dev"

base_prefix := "base/"

not_applicable := "the repository has no Dockerfile" if count(input.dockerfiles) == 0

final_stage(d) := d.stages[count(d.stages) - 1]

# The image a stage comes from: its own `FROM`, or that of the earlier stage it names.
origin(d, s) := s.from if s.from.stage == null

origin(d, s) := d.stages[s.from.stage].from if s.from.stage != null

acme_base(o) if o.scratch

acme_base(o) if {
	o.registry == base_registry
	startswith(o.repository, base_prefix)
}

findings contains f if {
	some d in input.dockerfiles
	count(d.stages) > 0
	s := final_stage(d)
	o := origin(d, s)
	not acme_base(o)
	f := {
		"message": sprintf("%s: the final stage starts from %s, not from an image of %s/%s", [d.path, o.image, base_registry, base_prefix]),
		"path": d.path,
		"line": s.line,
	}
}

findings contains f if {
	some d in input.dockerfiles
	count(d.stages) > 0
	s := final_stage(d)
	s.user == null
	f := {
		"message": sprintf("%s: the final stage sets no USER, so it runs as the base image's user (often root)", [d.path]),
		"path": d.path,
		"line": s.line,
	}
}

findings contains f if {
	some d in input.dockerfiles
	count(d.stages) > 0
	s := final_stage(d)
	s.user != null
	split(lower(s.user.value), ":")[0] in {"root", "0"}
	f := {
		"message": sprintf("%s: the final stage runs as root (USER %s)", [d.path, s.user.value]),
		"path": d.path,
		"line": s.user.line,
	}
}
