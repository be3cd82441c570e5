//! `pmth keygen OUT`: a new ECDSA P-256 key pair, `OUT` (private, mode 0600) and
//! `OUT.pub`, for `pmth build --sign OUT` and `pmth verify --key OUT.pub`. Never
//! overwrites (exit 2).

use super::{cannot_run, print, Exit};
use crate::cli::KeygenArgs;
use pmth_compiler::emit;

pub fn run(args: &KeygenArgs) -> Exit {
    match emit::keygen(&args.out) {
        Ok(pair) => {
            print(&format!(
                "wrote {} (private key: keep it secret, sign with `pmth build --sign {}`)\n\
                 wrote {} (public key: verify with `pmth verify DIST --key {}`)\n\
                 keyid {}\n",
                pair.private.display(),
                pair.private.display(),
                pair.public.display(),
                pair.public.display(),
                pair.keyid
            ));
            Exit::Ok
        }
        Err(e) => cannot_run(&e.to_string()),
    }
}
