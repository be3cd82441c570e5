//! Governance tests: workspaces built by hand (source map, manifest, policies, a
//! registry mirroring BUNDLE.md §1, declarations read by [`mini`]).

mod mini;

use super::*;
