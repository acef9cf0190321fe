//! launchgate's own inputs: the service manifest (`launchgate.yaml`) and policy files. Both are
//! parsed with spans, validated into immutable values, and described by generated JSON Schemas.

mod claims;
mod deploy;
mod diag;
mod duration;
mod governance;
mod manifest;
mod policy;
pub mod yaml;

pub use claims::{
    AuthClaim, BackupClaim, Claims, CostClaim, Date, EscalationStep, FailureInjectionClaim,
    LoadTestClaim, OncallClaim, RollbackClaim, SecretsClaim, TracingClaim, TransitClaim,
};
pub use deploy::{DeploySection, HelmRelease};
pub use diag::{
    ConfigError, ConfigErrors, Finder, Located, SNIPPET_WIDTH, SourceFile, deserialize,
};
pub use duration::Window;
pub use governance::{
    Approver, ApproverEntry, GateContext, GateThresholds, Justification, LedgerEntry,
    LedgerHeadEntry, LedgerPin, PublicKey, RecordedGate, Waiver, WaiverKind,
};
pub use manifest::{
    AlertSelection, Backoff, DataClass, Dependency, DependencyKind, Exposure, LatencyTarget,
    ReportLocations, ScanSection, Scope, Selection, ServiceManifest, Slo, SloKind, Stage,
};
pub use policy::{
    BASELINE_FIGURES, BaselineNote, CheckOptions, CheckOverride, CheckOverrideResolved,
    CheckSettings, LocatedLayer, MatrixSpec, Policy, PolicyLayer, PolicySource, RunbookSection,
    SeverityLevel, Sourced, THRESHOLD_FLOOR, Thresholds, default_alert_severities,
    default_runbook_sections,
};

/// The manifest file name looked for at the repository root.
pub const MANIFEST_FILE: &str = "launchgate.yaml";

impl ServiceManifest {
    /// The manifest's `policy:` section as a policy layer, if it has one.
    pub fn policy_layer(&self) -> Option<LocatedLayer> {
        let layer = self.policy.clone()?;
        Some(LocatedLayer {
            layer,
            source: PolicySource::Manifest(self.path().to_string()),
            located: self.located().map(|l| (l.clone(), "/policy".to_string())),
        })
    }
}

/// Where the manifest's JSON Schema is published: its `$id`, and the `$schema` of the
/// `# yaml-language-server:` line `launchgate init` writes.
pub const MANIFEST_SCHEMA_URL: &str = "https://launchgate.dev/schema/manifest.json";

/// JSON Schema of the service manifest, pretty-printed.
pub fn manifest_schema() -> String {
    render_schema(&schemars::schema_for!(ServiceManifest))
}

/// JSON Schema of an organisation policy file, pretty-printed.
pub fn policy_schema() -> String {
    render_schema(&schemars::schema_for!(PolicyLayer))
}

/// Makes a generated schema one that every mainstream validator accepts (check-jsonschema, ajv in
/// strict mode, yaml-language-server), then pretty-prints it.
fn render_schema(schema: &schemars::Schema) -> String {
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    portable(&mut value, true);
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// Rewrites `value` in place:
/// - an embedded schema (the policy inside the manifest) loses its own `$id`, which would make its
///   `#/$defs/...` references resolve against a document that has no `$defs`;
/// - schemars' Rust-only formats (`uint32`, `double`, ...) are dropped: ajv's strict mode refuses
///   unknown formats, and `minimum` already says what matters;
/// - the category keys of `weights` get a description each.
fn portable(value: &mut serde_json::Value, root: bool) {
    match value {
        serde_json::Value::Object(map) => {
            if !root {
                map.remove("$id");
            }
            let rust_format = map
                .get("format")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|f| {
                    matches!(f, "double" | "float")
                        || f.strip_prefix("uint")
                            .or_else(|| f.strip_prefix("int"))
                            .is_some_and(|bits| bits.parse::<u8>().is_ok())
                });
            if rust_format {
                map.remove("format");
            }
            if let Some(serde_json::Value::Object(props)) = map
                .get_mut("properties")
                .and_then(|p| p.get_mut("weights"))
                .and_then(|w| w.get_mut("properties"))
            {
                for (key, prop) in props.iter_mut() {
                    if let serde_json::Value::Object(prop) = prop {
                        prop.entry("description").or_insert_with(|| {
                            serde_json::Value::String(format!(
                                "Weight of the `{key}` category in the overall score (default 1)."
                            ))
                        });
                    }
                }
            }
            for child in map.values_mut() {
                portable(child, false);
            }
        }
        serde_json::Value::Array(items) => {
            for child in items {
                portable(child, false);
            }
        }
        _ => {}
    }
}
