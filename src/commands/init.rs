//! `pmth init [DIR]`: writes a new workspace (the files of `init_template/`):
//! `pmth.toml`, one declaration of each kind and a policy. Refuses to overwrite.

use super::{cannot_run, print, Exit};
use crate::cli::InitArgs;
use std::path::{Path, PathBuf};

/// `(path in the new workspace, contents)`; `{{name}}` becomes the package name.
const FILES: &[(&str, &str)] = &[
    ("pmth.toml", include_str!("init_template/pmth.toml")),
    (".gitignore", include_str!("init_template/gitignore")),
    (
        "capabilities.pmth",
        include_str!("init_template/capabilities.pmth"),
    ),
    ("services.pmth", include_str!("init_template/services.pmth")),
    ("models.pmth", include_str!("init_template/models.pmth")),
    ("tools.pmth", include_str!("init_template/tools.pmth")),
    ("personas.pmth", include_str!("init_template/personas.pmth")),
    ("agents.pmth", include_str!("init_template/agents.pmth")),
    (
        "templates.pmth",
        include_str!("init_template/templates.pmth"),
    ),
    (
        "workflows.pmth",
        include_str!("init_template/workflows.pmth"),
    ),
    (
        "policies/owners.rego",
        include_str!("init_template/policies/owners.rego"),
    ),
];

pub fn run(args: &InitArgs) -> Exit {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => match std::env::current_dir() {
            Ok(d) => d,
            Err(e) => return cannot_run(&format!("cannot read the current folder: {e}")),
        },
    };
    if let Some(existing) = FILES.iter().map(|(p, _)| dir.join(p)).find(|p| p.exists()) {
        return cannot_run(&format!(
            "`{}` already exists; `pmth init` never overwrites (choose an empty folder)",
            existing.display()
        ));
    }
    let name = package_name(&dir);
    let mut written = Vec::new();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Err(e) = write(&path, &text.replace("{{name}}", &name)) {
            return cannot_run(&format!("cannot write `{}`: {e}", path.display()));
        }
        written.push(*rel);
    }
    let mut out = format!("created workspace `{name}` in {}:\n", dir.display());
    for rel in written {
        out.push_str(&format!("  {rel}\n"));
    }
    let check = match &args.dir {
        Some(d) => format!("pmth check {}", d.display()),
        None => "pmth check".into(),
    };
    out.push_str(&format!("next: `{check}`\n"));
    print(&out);
    Exit::Ok
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// The package name: the folder's name made valid (`[a-z0-9_-]+`).
fn package_name(dir: &Path) -> String {
    let abs: PathBuf = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let base = abs
        .components()
        .rev()
        .find_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .unwrap_or_default();
    pmth_compiler::load::sanitize_name(&base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_name_comes_from_the_folder() {
        assert_eq!(package_name(Path::new("/tmp/My Fleet")), "my-fleet");
        assert_eq!(package_name(Path::new("/tmp/acme_agents/")), "acme_agents");
    }

    #[test]
    fn the_template_has_every_kind() {
        let all: String = FILES.iter().map(|(_, t)| *t).collect();
        for kind in pmth_compiler::ast::Kind::ALL_KEYWORDS {
            assert!(
                all.lines().any(|l| l.starts_with(&format!("{kind} "))),
                "no {kind}"
            );
        }
    }
}
