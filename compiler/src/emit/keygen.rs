//! `pmth keygen OUT`: a fresh ECDSA P-256 key pair, `OUT` (PKCS#8 PEM, mode
//! 0600) and `OUT.pub` (SPKI PEM), the formats OPA and `cosign` read too.
//! Existing files are never overwritten: losing a signing key is worse than an
//! error.

use super::sign::SignKey;
use super::EmitError;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

// Public Interface

/// What `keygen` wrote.
#[derive(Clone, Debug)]
pub struct KeyPair {
    pub private: PathBuf,
    pub public: PathBuf,
    /// Hex SHA-256 of the public key's SPKI DER (the DSSE `keyid`).
    pub keyid: String,
}

/// The public key's path for a private key at `out`: `OUT.pub`.
pub fn public_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".pub");
    PathBuf::from(s)
}

/// Writes a new key pair to `out` and `out.pub`.
pub fn keygen(out: &Path) -> Result<KeyPair, EmitError> {
    let public = public_path(out);
    for p in [out, public.as_path()] {
        if p.exists() {
            return Err(EmitError::Output {
                path: p.to_path_buf(),
                message: "already exists; remove it or choose another name".into(),
            });
        }
    }
    let key = SignKey::generate();
    let private_pem = key.private_pem().map_err(|e| EmitError::Internal(e.0))?;
    let public_pem = key
        .verify_key()
        .public_pem()
        .map_err(|e| EmitError::Internal(e.0))?;
    create_new(out, private_pem.as_bytes(), true)?;
    if let Err(e) = create_new(&public, public_pem.as_bytes(), false) {
        let _ = fs::remove_file(out);
        return Err(e);
    }
    Ok(KeyPair {
        private: out.to_path_buf(),
        public,
        keyid: key.keyid().to_owned(),
    })
}

fn create_new(path: &Path, bytes: &[u8], private: bool) -> Result<(), EmitError> {
    let io = |error| EmitError::Io {
        path: path.to_path_buf(),
        error,
    };
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sign::VerifyKey;

    #[test]
    fn writes_a_private_and_a_public_key_once() {
        let dir = std::env::temp_dir().join(format!("pmth-keygen-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::create_dir_all(&dir);
        let out = dir.join("release.key");
        let pair = keygen(&out);
        let Ok(pair) = pair else {
            panic!("{pair:?}");
        };
        assert_eq!(pair.public, dir.join("release.key.pub"));
        let private = fs::read_to_string(&out).unwrap_or_default();
        let public = fs::read_to_string(&pair.public).unwrap_or_default();
        assert_eq!(
            SignKey::from_pem(&private).map(|k| k.keyid().to_owned()),
            Ok(pair.keyid.clone())
        );
        assert_eq!(
            VerifyKey::from_pem(&public).map(|k| k.keyid().to_owned()),
            Ok(pair.keyid.clone())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&out).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600));
        }
        assert!(matches!(keygen(&out), Err(EmitError::Output { .. })));
        assert_eq!(fs::read_to_string(&out).unwrap_or_default(), private);
        let _ = fs::remove_dir_all(&dir);
    }
}
