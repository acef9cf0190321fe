"""Reads YAML files with PyYAML (the C loader when built with libyaml) under the schema
launchgate documents (docs/scanning.md, "How YAML is read") and prints one JSON object per
file: {"file": name, "docs": [...]} or {"file": name, "error": message}.

The schema differs from PyYAML's YAML 1.1 default only where the platform does: booleans are
true/false (yes/no/on/off stay strings, as GitHub Actions reads `on:`), timestamps and
sexagesimal numbers stay strings, floats may omit the dot (1e3), integers may be 0o-prefixed,
and tags other than the core ones are read as if absent. Empty documents are dropped; mapping
keys are written as text; floats that JSON cannot hold are written as strings.
"""
import json
import math
import re
import sys

import yaml

if not yaml.__with_libyaml__:
    # The pure-Python scanner refuses tabs that libyaml (and go-yaml, its port) accept.
    sys.exit("pyyaml_tree.py: PyYAML is built without libyaml; install a PyYAML wheel")
Loader = yaml.CSafeLoader


class L(Loader):
    pass


L.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":bool", ":int", ":float", ":timestamp"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
L.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
L.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o[0-7_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
L.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)


def construct_int(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    if text.startswith("0o"):
        return sign * int(text[2:], 8)
    return sign * int(text, 0) if text[:2] in ("0x", "0b") else sign * (int(text, 8) if len(text) > 1 and text[0] == "0" else int(text))


def construct_float(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    low = text.lower()
    if low.endswith(".inf"):
        return -math.inf if low.startswith("-") else math.inf
    if low == ".nan":
        return math.nan
    return float(text)


def ignore_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        if node.style is None:
            tag = loader.resolve(yaml.ScalarNode, node.value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, node.value, node.start_mark, node.end_mark))
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


L.add_constructor("tag:yaml.org,2002:int", construct_int)
L.add_constructor("tag:yaml.org,2002:float", construct_float)
L.add_constructor("tag:yaml.org,2002:timestamp", L.construct_yaml_str)
L.add_multi_constructor("!", ignore_tag)
L.add_multi_constructor("tag:example.com", ignore_tag)


def plain(v):
    if isinstance(v, dict):
        return {key(k): plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    return v


def key(k):
    if k is None:
        return "null"
    if isinstance(k, bool):
        return "true" if k else "false"
    return str(k)


for path in sys.argv[1:]:
    name = path.rsplit("/", 1)[-1]
    try:
        with open(path, "rb") as f:
            docs = [plain(d) for d in yaml.load_all(f, Loader=L) if d is not None]
        out = {"file": name, "docs": docs}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        out = {"file": name, "error": getattr(e, "problem", None) or str(e), "line": mark.line + 1 if mark else None}
    print(json.dumps(out, sort_keys=True, ensure_ascii=False))
