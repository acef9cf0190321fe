//! Human durations used in manifests (`28d`, `4w`, `6h`, `30m`), kept as written for display.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A duration such as `28d`: a whole number followed by `m` (minutes), `h`, `d` or `w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Window {
    minutes: u64,
    unit: char,
}

impl Window {
    pub fn minutes(self) -> u64 {
        self.minutes
    }

    pub fn days(self) -> f64 {
        self.minutes as f64 / (24.0 * 60.0)
    }
}

impl TryFrom<String> for Window {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let t = s.trim();
        let bad = || {
            format!(
                "`{s}` is not a duration; write a whole number and a unit: `30m`, `6h`, `28d` or `4w`"
            )
        };
        let unit = t.chars().last().ok_or_else(bad)?;
        let per = match unit {
            'm' => 1,
            'h' => 60,
            'd' => 60 * 24,
            'w' => 60 * 24 * 7,
            _ => return Err(bad()),
        };
        let n: u64 = t[..t.len() - 1].parse().map_err(|_| bad())?;
        if n == 0 {
            return Err(format!(
                "`{s}` is an empty window; use a positive duration such as `28d`"
            ));
        }
        Ok(Window {
            minutes: n * per,
            unit,
        })
    }
}

impl From<Window> for String {
    fn from(w: Window) -> String {
        w.to_string()
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = match self.unit {
            'h' => 60,
            'd' => 60 * 24,
            'w' => 60 * 24 * 7,
            _ => 1,
        };
        write!(f, "{}{}", self.minutes / per, self.unit)
    }
}

impl JsonSchema for Window {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Window".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A duration: a whole number and a unit, m (minutes), h, d or w, e.g. `28d`.",
            "type": "string",
            "pattern": "^[1-9][0-9]*[mhdw]$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_round_trips() {
        let w = Window::try_from("28d".to_string()).unwrap();
        assert_eq!(w.minutes(), 28 * 24 * 60);
        assert_eq!(w.to_string(), "28d");
        assert_eq!(Window::try_from("4w".to_string()).unwrap().days(), 28.0);
        assert!(Window::try_from("0d".to_string()).is_err());
        assert!(Window::try_from("30 days".to_string()).is_err());
        assert!(Window::try_from(String::new()).is_err());
    }
}
