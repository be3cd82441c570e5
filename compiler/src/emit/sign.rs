//! ECDSA P-256 / SHA-256 keys and signatures, in the formats OPA and `cosign`
//! read: PKCS#8 PEM private keys, SPKI PEM public keys, DER signatures for DSSE
//! and raw `r‖s` signatures for JWS (ES256). Signing is deterministic (RFC 6979),
//! so a signed build is reproducible byte for byte.

use super::jcs;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};

// Public Interface

/// A private key ready to sign, with its `keyid`.
#[derive(Clone, Debug)]
pub struct SignKey {
    key: SigningKey,
    keyid: String,
}

/// A public key ready to verify, with its `keyid`.
#[derive(Clone, Debug)]
pub struct VerifyKey {
    key: VerifyingKey,
    keyid: String,
}

/// Why a key could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

impl SignKey {
    /// A PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) P-256 key; a SEC1 PEM
    /// (`-----BEGIN EC PRIVATE KEY-----`, what `openssl ecparam -genkey` writes)
    /// is accepted too.
    pub fn from_pem(pem: &str) -> Result<SignKey, KeyError> {
        let secret = if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
            p256::SecretKey::from_sec1_pem(pem)
                .map_err(|e| KeyError(format!("not a P-256 private key in SEC1 PEM form ({e})")))?
        } else {
            p256::SecretKey::from_pkcs8_pem(pem).map_err(|e| {
                KeyError(format!(
                    "not an ECDSA P-256 private key in PKCS#8 PEM form ({e}); `pmth keygen` writes one"
                ))
            })?
        };
        let key = SigningKey::from(secret);
        let keyid = keyid_of(key.verifying_key())?;
        Ok(SignKey { key, keyid })
    }

    /// A fresh random key (`pmth keygen`).
    pub fn generate() -> SignKey {
        let key = SigningKey::random(&mut rand_core::OsRng);
        let keyid = keyid_of(key.verifying_key()).unwrap_or_default();
        SignKey { key, keyid }
    }

    /// Hex SHA-256 of the public key's SPKI DER.
    pub fn keyid(&self) -> &str {
        &self.keyid
    }

    pub fn verify_key(&self) -> VerifyKey {
        VerifyKey {
            key: *self.key.verifying_key(),
            keyid: self.keyid.clone(),
        }
    }

    /// The private key as PKCS#8 PEM.
    pub fn private_pem(&self) -> Result<String, KeyError> {
        let secret = p256::SecretKey::from(&self.key);
        secret
            .to_pkcs8_pem(LineEnding::LF)
            .map(|z| z.as_str().to_owned())
            .map_err(|e| KeyError(format!("cannot encode the private key: {e}")))
    }

    /// ECDSA P-256 / SHA-256 over `msg` (RFC 6979), DER-encoded.
    pub fn sign_der(&self, msg: &[u8]) -> Vec<u8> {
        let sig: Signature = self.key.sign(msg);
        sig.to_der().as_bytes().to_vec()
    }

    /// ECDSA P-256 / SHA-256 over `msg` (RFC 6979), as the 64 bytes `r‖s` (JWS ES256).
    pub fn sign_raw(&self, msg: &[u8]) -> Vec<u8> {
        let sig: Signature = self.key.sign(msg);
        sig.to_bytes().to_vec()
    }
}

impl VerifyKey {
    /// An SPKI PEM (`-----BEGIN PUBLIC KEY-----`) P-256 key.
    pub fn from_pem(pem: &str) -> Result<VerifyKey, KeyError> {
        let key = VerifyingKey::from_public_key_pem(pem).map_err(|e| {
            KeyError(format!(
                "not an ECDSA P-256 public key in SPKI PEM form ({e}); `pmth keygen` writes one as OUT.pub"
            ))
        })?;
        let keyid = keyid_of(&key)?;
        Ok(VerifyKey { key, keyid })
    }

    /// Hex SHA-256 of the public key's SPKI DER.
    pub fn keyid(&self) -> &str {
        &self.keyid
    }

    /// The public key as SPKI PEM.
    pub fn public_pem(&self) -> Result<String, KeyError> {
        self.key
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| KeyError(format!("cannot encode the public key: {e}")))
    }

    /// True when `der` is a valid DER signature of `msg` by this key.
    pub fn verify_der(&self, msg: &[u8], der: &[u8]) -> bool {
        Signature::from_der(der).is_ok_and(|sig| self.key.verify(msg, &sig).is_ok())
    }

    /// True when `raw` (`r‖s`, 64 bytes) is a valid signature of `msg`.
    pub fn verify_raw(&self, msg: &[u8], raw: &[u8]) -> bool {
        Signature::from_slice(raw).is_ok_and(|sig| self.key.verify(msg, &sig).is_ok())
    }
}

/// DSSE's pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(
        format!(
            "DSSEv1 {} {payload_type} {} ",
            payload_type.len(),
            payload.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(payload);
    out
}

fn keyid_of(key: &VerifyingKey) -> Result<String, KeyError> {
    let der = key
        .to_public_key_der()
        .map_err(|e| KeyError(format!("cannot encode the public key: {e}")))?;
    Ok(jcs::sha256_hex(der.as_bytes()))
}

/// A fixed key for tests (generated once; never use it for anything else).
#[cfg(test)]
pub(crate) const TEST_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgHRwwOBBCdmsMdkQB
mC7kdk1RcZP7nDBZL3KrtPx+FpShRANCAATtV2IqST/50zQcYz0sH6O3QN5hGEM2
mBaAO4wVi/NIwk3J/J0wfacd6bvnG6CkZVMHPxZOqimt4RIOUn/YEgOZ
-----END PRIVATE KEY-----
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // DSSE protocol.md: PAE("http://example.com/HelloWorld", "hello world").
        let got = pae("http://example.com/HelloWorld", b"hello world");
        assert_eq!(
            got,
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn signatures_are_deterministic_and_verify() {
        let key = SignKey::from_pem(TEST_KEY).expect("test key");
        let a = key.sign_der(b"message");
        let b = key.sign_der(b"message");
        assert_eq!(a, b, "RFC 6979 signing is deterministic");
        let vk = key.verify_key();
        assert!(vk.verify_der(b"message", &a));
        assert!(!vk.verify_der(b"messagE", &a));
        let raw = key.sign_raw(b"message");
        assert_eq!(raw.len(), 64);
        assert!(vk.verify_raw(b"message", &raw));
        assert!(!vk.verify_der(b"message", b"garbage"));
    }

    #[test]
    fn pem_round_trips_and_keyids_agree() {
        let key = SignKey::generate();
        let pem = key.private_pem().expect("pem");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let again = SignKey::from_pem(&pem).expect("reads back");
        assert_eq!(again.keyid(), key.keyid());
        let public = key.verify_key().public_pem().expect("pub pem");
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
        let vk = VerifyKey::from_pem(&public).expect("reads back");
        assert_eq!(vk.keyid(), key.keyid());
        assert_eq!(vk.keyid().len(), 64);
    }

    #[test]
    fn wrong_forms_are_errors_not_panics() {
        assert!(SignKey::from_pem("").is_err());
        assert!(SignKey::from_pem(
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"
        )
        .is_err());
        assert!(VerifyKey::from_pem(TEST_KEY).is_err());
        let public = SignKey::from_pem(TEST_KEY)
            .and_then(|k| k.verify_key().public_pem())
            .unwrap_or_default();
        assert!(SignKey::from_pem(&public).is_err());
    }
}
