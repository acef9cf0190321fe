//! launchgate's own inputs: the service manifest (`launchgate.yaml`) and policy files. Both are
//! parsed with spans, validated into immutable values, and described by generated JSON Schemas.

mod claims;
mod diag;
mod duration;
mod governance;
mod manifest;
mod policy;
pub mod yaml;

pub use claims::{
    AuthClaim, BackupClaim, Claims, CostClaim, Date, EscalationStep, LoadTestClaim, OncallClaim,
    RollbackClaim, SecretsClaim, TracingClaim, TransitClaim,
};
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
    ReportLocations, Scope, ServiceManifest, Slo, SloKind, Stage,
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

/// JSON Schema of the service manifest, pretty-printed.
pub fn manifest_schema() -> String {
    let schema = schemars::schema_for!(ServiceManifest);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// JSON Schema of an organisation policy file, pretty-printed.
pub fn policy_schema() -> String {
    let schema = schemars::schema_for!(PolicyLayer);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
