//! `pmth explain CODE`: the long explanation of a diagnostic code, from the one
//! code table.

use super::{cannot_run, print, Exit};
use crate::cli::ExplainArgs;
use pmth_compiler::diag::{codes, suggest};

pub fn run(args: &ExplainArgs) -> Exit {
    let wanted = normalize(&args.code);
    match codes::lookup(&wanted) {
        Some(info) => {
            print(&codes::explain_text(info));
            Exit::Ok
        }
        None => {
            let all = codes::CODES.iter().map(|c| c.code);
            let hint = match suggest(&wanted, all) {
                Some(c) => format!("; did you mean `{c}`?"),
                None => String::new(),
            };
            cannot_run(&format!(
                "unknown diagnostic code `{}`{hint} (codes look like PM0101; see docs/diagnostics.md)",
                args.code
            ))
        }
    }
}

/// `pm101`, `0101` and ` PM0101 ` all mean `PM0101`.
fn normalize(code: &str) -> String {
    let code = code.trim().to_ascii_uppercase();
    let digits = code.strip_prefix("PM").unwrap_or(&code);
    if !digits.is_empty() && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("PM{digits:0>4}")
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn codes_are_normalized() {
        assert_eq!(normalize("pm0101"), "PM0101");
        assert_eq!(normalize("0101"), "PM0101");
        assert_eq!(normalize("101"), "PM0101");
        assert_eq!(normalize("PMX"), "PMX");
    }
}
