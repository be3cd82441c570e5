//! PM0110 (LANGUAGE.md §5): coexisting versions of one name keep semver. Each
//! version is compared with the next lower version of its name when it is in
//! that version's compatibility range, by the rules of `pmth diff`
//! ([`crate::diff::compare_decls`]); a breaking change is a warning on the
//! higher version's header, the lower version a related label.

use super::{Registry, Unit};
use crate::ast::Kind;
use crate::diag::Diagnostic;
use crate::diff::{self, Class};
use std::collections::{BTreeMap, HashMap};

/// Adds a PM0110 for every higher version that breaks the next lower one in
/// its range. Only names with several versions cost anything.
pub fn check(
    registry: &Registry,
    units: &[Unit],
    index: &HashMap<(Kind, String), usize>,
    diags: &mut Vec<Diagnostic>,
) {
    for kind in Kind::ALL {
        let mut by_name: BTreeMap<&str, Vec<(semver::Version, &str)>> = BTreeMap::new();
        for e in registry.decls(kind) {
            if let Some((name, v)) = diff::split_id(&e.id) {
                by_name.entry(name).or_default().push((v, &e.id));
            }
        }
        for (_, mut versions) in by_name.into_iter().filter(|(_, v)| v.len() > 1) {
            versions.sort();
            // Retired versions take no part: nothing resolves to them.
            let live: Vec<(&semver::Version, &str, serde_json::Value)> = versions
                .iter()
                .filter_map(|(v, id)| {
                    let decl = registry.decl(kind, id)?;
                    let retired = decl.get("status").and_then(|s| s.as_str()) == Some("retired");
                    (!retired).then_some((v, *id, decl))
                })
                .collect();
            for pair in live.windows(2) {
                let [(lv, lid, ld), (hv, hid, hd)] = pair else {
                    continue;
                };
                if !diff::in_range(lv, hv) {
                    continue;
                }
                let (class, details) = diff::compare_decls(kind, ld, hd);
                if class != Class::Breaking {
                    continue;
                }
                let header = |id: &str| {
                    let unit = units.get(*index.get(&(kind, id.to_owned()))?)?;
                    Some(unit.decl.header)
                };
                let Some(at) = header(hid) else {
                    continue;
                };
                let breaking: Vec<String> = details
                    .iter()
                    .filter(|d| d.class == Class::Breaking)
                    .map(|d| {
                        if d.path.is_empty() {
                            d.message.clone()
                        } else {
                            format!("{}: {}", d.path, d.message)
                        }
                    })
                    .collect();
                let first = breaking.first().cloned().unwrap_or_default();
                let mut d = Diagnostic::new(
                    "PM0110",
                    at,
                    format!("`{kind}.{hid}` breaks `{lv}` without a major version bump: {first}"),
                )
                .label(format!("a breaking change from {lv}, still in its compatibility range"))
                .help(format!(
                    "bump the version to {} so that users of {lv} opt in, or make the change compatible",
                    diff::next_breaking(lv)
                ));
                if breaking.len() > 1 {
                    d = d.note(format!("breaking changes: {}", breaking.join("; ")));
                }
                if let Some(lower) = header(lid) {
                    d = d.related(lower, format!("the version it breaks ({lv})"));
                }
                diags.push(d);
            }
        }
    }
}
