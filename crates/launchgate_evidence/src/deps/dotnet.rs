//! .NET project files (`*.csproj`, `*.fsproj`, `*.vbproj`): `<PackageReference>` items with
//! their `Version` attribute or child element.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Dep, DepManifest, Scope};
use crate::{DepFormat, Loc, Source};

pub(super) fn parse_csproj(src: &Source, err: &mut dyn FnMut(Loc, String)) -> Option<DepManifest> {
    let mut m = DepManifest::new(src, DepFormat::Csproj);
    let mut reader = Reader::from_str(&src.text);
    reader.config_mut().trim_text(true);
    // A `<PackageReference>` with children being read, and the child element's name.
    let mut open: Option<Dep> = None;
    let mut child: Option<String> = None;
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                err(src.loc(at, at), format!("invalid XML: {e}"));
                return None;
            }
        };
        let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (tag, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = tag
            && e.local_name()
                .as_ref()
                .eq_ignore_ascii_case(b"PackageReference")
        {
            // `<` + content + `>` (or `/>`).
            let start = end.saturating_sub(e.len() + if empty { 3 } else { 2 });
            let loc = src.loc(start, end);
            match package_reference(e, loc.clone()) {
                Some(d) if empty => m.dependencies.push(d),
                Some(d) => open = Some(d),
                None => err(
                    loc,
                    "expected an `Include` or `Update` attribute on <PackageReference>".to_string(),
                ),
            }
            continue;
        }
        match event {
            Event::Start(e) if open.is_some() => {
                child = Some(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
            }
            Event::Text(t) => {
                if let (Some(d), Some(c)) = (&mut open, &child)
                    && c.eq_ignore_ascii_case("Version")
                {
                    d.version = t.decode().ok().map(|v| v.trim().to_string());
                }
            }
            Event::End(e) => {
                if e.local_name()
                    .as_ref()
                    .eq_ignore_ascii_case(b"PackageReference")
                {
                    if let Some(d) = open.take() {
                        m.dependencies.push(d);
                    }
                } else {
                    child = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(m.finish())
}

/// A `<PackageReference Include=".." Version=".." />`; `Update` items (which modify an
/// implicit reference) count too. `None` without either attribute.
fn package_reference(e: &BytesStart<'_>, loc: Loc) -> Option<Dep> {
    let mut name = None;
    let mut version = None;
    let mut condition = None;
    let mut private = false;
    for a in e.attributes().flatten() {
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).to_ascii_lowercase();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_or_else(
                |_| String::from_utf8_lossy(&a.value).into_owned(),
                std::borrow::Cow::into_owned,
            );
        match key.as_str() {
            "include" | "update" if name.is_none() => name = Some(value),
            "version" | "versionoverride" => version = Some(value),
            "condition" => condition = Some(value),
            "privateassets" => private = value.eq_ignore_ascii_case("all"),
            _ => {}
        }
    }
    let mut d = Dep::new(name?, loc);
    d.version = version;
    d.marker = condition;
    // `PrivateAssets="all"` keeps analyzers and build tools out of the published package.
    if private {
        d.scope = Scope::Build;
    }
    Some(d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const CSPROJ: &str = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Serilog.AspNetCore" Version="8.0.2" />
    <PackageReference Include="Polly">
      <Version>8.4.2</Version>
    </PackageReference>
    <PackageReference Include="StyleCop.Analyzers" Version="1.1.118" PrivateAssets="all" />
    <PackageReference Include="OpenTelemetry.Extensions.Hosting" Version="1.9.0" Condition="'$(Configuration)' == 'Release'" />
  </ItemGroup>
</Project>
"#;

    #[test]
    fn package_references_with_versions_and_lines() {
        let src = Source::new("src/Api/Api.csproj", CSPROJ);
        let mut errs = Vec::new();
        let m = parse_csproj(&src, &mut |l, m| errs.push((l, m))).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        let got = crate::deps::dependency_rows(&m);
        assert_eq!(
            got,
            vec![
                ("Serilog.AspNetCore", Some("8.0.2"), Scope::Normal, 6, 5),
                ("Polly", Some("8.4.2"), Scope::Normal, 7, 5),
                ("StyleCop.Analyzers", Some("1.1.118"), Scope::Build, 10, 5),
                (
                    "OpenTelemetry.Extensions.Hosting",
                    Some("1.9.0"),
                    Scope::Normal,
                    11,
                    5
                ),
            ]
        );
        assert_eq!(
            m.dependencies[3].marker.as_deref(),
            Some("'$(Configuration)' == 'Release'")
        );
    }

    #[test]
    fn errors_are_located() {
        let src = Source::new(
            "a.csproj",
            "<Project>\n  <ItemGroup>\n    <PackageReference Version=\"1\" />\n  </ItemGroup>\n</Project>\n",
        );
        let mut errs = Vec::new();
        parse_csproj(&src, &mut |l, m| errs.push((l.line, l.column, m))).unwrap();
        assert_eq!(
            errs,
            vec![(
                3,
                5,
                "expected an `Include` or `Update` attribute on <PackageReference>".to_string()
            )]
        );
        let src = Source::new("a.csproj", "<Project>\n  <ItemGroup>\n</Project>\n");
        let mut errs = Vec::new();
        assert!(parse_csproj(&src, &mut |l, m| errs.push((l.line, m))).is_none());
        assert!(errs[0].1.starts_with("invalid XML"), "{errs:?}");
    }
}
