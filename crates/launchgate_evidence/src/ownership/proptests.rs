//! Robustness: the CODEOWNERS and catalog parsers, fed arbitrary text and mutations of valid
//! samples, never panic and report every error at a location inside the file.

use proptest::prelude::*;

use super::parse;
use crate::{FileKind, Source, yaml};

const CODEOWNERS: &str = "# c\n* @acme/team a@b.example\n[Sec][2] @x\n/a\\ b/ @u\n^[Opt]\n/c/\n";
const CATALOG: &str = "kind: Component\nmetadata:\n  name: a\n  annotations: {k: v}\n  links: [{url: u}]\n  tags: [t]\nspec: {owner: team, type: service}\n---\nkind: Group\nmetadata: {name: team}\n";

fn check(path: &str, kind: FileKind, text: &str) -> Result<(), TestCaseError> {
    let src = Source::new(path, text);
    // The scanner reports YAML syntax errors itself and never calls the parser then.
    let docs = if kind == FileKind::Catalog {
        match yaml::load_all(&src) {
            Ok(d) => d,
            Err(_) => return Ok(()),
        }
    } else {
        Vec::new()
    };
    let mut errors = Vec::new();
    prop_assert!(parse(&src, kind, docs, &mut errors).is_some());
    for e in &errors {
        prop_assert!(e.loc.line >= 1, "{e}");
        prop_assert!(e.loc.start <= text.len() && e.loc.end <= text.len(), "{e}");
        prop_assert_eq!(e.kind, kind);
    }
    Ok(())
}

fn splice(sample: &str, at: usize, len: usize, insert: &str) -> String {
    let mut at = at % (sample.len() + 1);
    while !sample.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + len).min(sample.len());
    while !sample.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{}{}", &sample[..at], insert, &sample[end..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn codeowners_arbitrary_text(text in "\\PC{0,200}") {
        check("CODEOWNERS", FileKind::CodeOwners, &text)?;
    }

    #[test]
    fn codeowners_structured_noise(text in "[\\[\\]^@/\\\\#*. \\n\\ta-z0-9]{0,160}") {
        check(".github/CODEOWNERS", FileKind::CodeOwners, &text)?;
    }

    #[test]
    fn mutated_samples(at in any::<usize>(), len in 0usize..10, insert in ".{0,10}", which in any::<bool>()) {
        if which {
            check("CODEOWNERS", FileKind::CodeOwners, &splice(CODEOWNERS, at, len, &insert))?;
        } else {
            check("catalog-info.yaml", FileKind::Catalog, &splice(CATALOG, at, len, &insert))?;
        }
    }

    #[test]
    fn catalog_arbitrary_yaml_shapes(text in "[a-z:{}\\[\\], \\n-]{0,120}") {
        check("catalog-info.yaml", FileKind::Catalog, &text)?;
    }
}

#[test]
fn samples_parse_without_errors() {
    let mut errors = Vec::new();
    let src = Source::new("CODEOWNERS", CODEOWNERS);
    assert!(parse(&src, FileKind::CodeOwners, Vec::new(), &mut errors).is_some());
    let src = Source::new("catalog-info.yaml", CATALOG);
    let docs = yaml::load_all(&src).unwrap_or_default();
    assert_eq!(docs.len(), 2);
    assert!(parse(&src, FileKind::Catalog, docs, &mut errors).is_some());
    assert!(errors.is_empty(), "{errors:?}");
}
