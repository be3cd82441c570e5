//! `registry.seal.json` (BUNDLE.md §2): a DSSE envelope whose payload is an
//! in-toto Statement v1 with a SLSA Provenance v1 predicate, both RFC 8785 JSON.
//!
//! The statement's subjects are the bundle's other files with their SHA-256;
//! `buildDefinition` names [`BUILD_TYPE`], the package in `externalParameters`,
//! and every input in `resolvedDependencies`; `runDetails.builder.id` names the
//! compiler and its version. The payload has no wall-clock time unless
//! `SOURCE_DATE_EPOCH` is set, so it is the same bytes signed or not, on any
//! machine. Signatures are over DSSE's pre-authentication encoding.

use super::jcs;
use super::registry::{Input, Role};
use super::sign::{pae, SignKey};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value as Json};

// Public Interface

/// The DSSE `payloadType` of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
pub const PREDICATE_TYPE: &str = "https://slsa.dev/provenance/v1";
/// The SLSA `buildType` of `pmth build`, documented in `docs/bundle.md`.
pub const BUILD_TYPE: &str = "https://pmth.dev/slsa/build-types/registry/v1";

/// The SLSA `builder.id`: the compiler and its version.
pub fn builder_id() -> String {
    format!("https://pmth.dev/slsa/builders/pmth@{}", crate::VERSION)
}

/// A file the seal vouches for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// `registry.json`, `bundle.tar.gz`
    pub name: String,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}

/// What the statement says about the build besides its subjects.
#[derive(Clone, Debug)]
pub struct Provenance<'a> {
    pub package: (&'a str, &'a str),
    pub opa: bool,
    pub inputs: &'a [Input],
    /// `SOURCE_DATE_EPOCH`, seconds since 1970.
    pub epoch: Option<i64>,
}

/// The in-toto Statement v1.
pub fn statement(subjects: &[Subject], p: &Provenance) -> Json {
    let subjects: Vec<Json> = subjects
        .iter()
        .map(|s| json!({"name": s.name, "digest": {"sha256": s.sha256}}))
        .collect();
    let deps: Vec<Json> = p
        .inputs
        .iter()
        .map(|i| {
            let mut d = json!({"name": i.name, "digest": {"sha256": i.sha256}});
            if i.role == Role::Stdlib {
                set(
                    &mut d,
                    "annotations",
                    json!({"version": super::registry::STDLIB_VERSION}),
                );
            }
            d
        })
        .collect();
    let mut run = json!({
        "builder": {"id": builder_id(), "version": {"pmth": crate::VERSION}},
    });
    if let Some(epoch) = p.epoch {
        let t = rfc3339(epoch);
        set(
            &mut run,
            "metadata",
            json!({"startedOn": t, "finishedOn": t}),
        );
    }
    json!({
        "_type": STATEMENT_TYPE,
        "subject": subjects,
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {
                    "package": {"name": p.package.0, "version": p.package.1},
                    "opa": p.opa,
                },
                "resolvedDependencies": deps,
            },
            "runDetails": run,
        },
    })
}

/// The DSSE envelope over `payload` (canonical statement bytes), signed with
/// `key` when given.
pub fn envelope(payload: &[u8], key: Option<&SignKey>) -> Json {
    let signatures: Vec<Json> = key
        .map(|k| {
            let sig = k.sign_der(&pae(PAYLOAD_TYPE, payload));
            json!({"keyid": k.keyid(), "sig": STANDARD.encode(sig)})
        })
        .into_iter()
        .collect();
    json!({
        "payloadType": PAYLOAD_TYPE,
        "payload": STANDARD.encode(payload),
        "signatures": signatures,
    })
}

/// A parsed envelope.
#[derive(Clone, Debug)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: Vec<u8>,
    /// `(keyid, DER signature)`; an undecodable signature is kept empty.
    pub signatures: Vec<(String, Vec<u8>)>,
}

/// Reads an envelope; `Err` says what is wrong with it.
pub fn parse_envelope(bytes: &[u8]) -> Result<Envelope, String> {
    let v: Json = serde_json::from_slice(bytes).map_err(|e| format!("not JSON ({e})"))?;
    let payload_type = v
        .get("payloadType")
        .and_then(Json::as_str)
        .ok_or("no `payloadType`")?
        .to_owned();
    let payload = v
        .get("payload")
        .and_then(Json::as_str)
        .ok_or("no `payload`")?;
    let payload = STANDARD
        .decode(payload)
        .map_err(|_| "`payload` is not base64")?;
    let signatures = v
        .get("signatures")
        .and_then(Json::as_array)
        .ok_or("no `signatures`")?
        .iter()
        .map(|s| {
            let keyid = s
                .get("keyid")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_owned();
            let sig = s
                .get("sig")
                .and_then(Json::as_str)
                .and_then(|b| STANDARD.decode(b).ok())
                .unwrap_or_default();
            (keyid, sig)
        })
        .collect();
    Ok(Envelope {
        payload_type,
        payload,
        signatures,
    })
}

/// The subjects of a statement payload; `Err` when it is not an in-toto
/// Statement v1 with a SLSA provenance v1 predicate.
pub fn parse_subjects(payload: &[u8]) -> Result<Vec<Subject>, String> {
    let v: Json = serde_json::from_slice(payload).map_err(|e| format!("not JSON ({e})"))?;
    if v.get("_type").and_then(Json::as_str) != Some(STATEMENT_TYPE) {
        return Err(format!(
            "not an in-toto statement (`_type` is not {STATEMENT_TYPE})"
        ));
    }
    if v.get("predicateType").and_then(Json::as_str) != Some(PREDICATE_TYPE) {
        return Err(format!("the predicate is not {PREDICATE_TYPE}"));
    }
    let subjects = v
        .get("subject")
        .and_then(Json::as_array)
        .ok_or("no `subject` list")?;
    subjects
        .iter()
        .map(|s| {
            let name = s.get("name").and_then(Json::as_str);
            let sha = s
                .get("digest")
                .and_then(|d| d.get("sha256"))
                .and_then(Json::as_str);
            match (name, sha) {
                (Some(n), Some(d)) => Ok(Subject {
                    name: n.to_owned(),
                    sha256: d.to_owned(),
                }),
                _ => Err("a subject has no name or no sha256 digest".to_owned()),
            }
        })
        .collect()
}

/// `SOURCE_DATE_EPOCH` seconds as RFC 3339 UTC (`1970-01-01T00:00:00Z`).
pub fn rfc3339(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The canonical bytes of a statement.
pub fn payload_bytes(statement: &Json) -> Result<Vec<u8>, jcs::JcsError> {
    jcs::to_vec(statement)
}

/// Sets `key` on a JSON object (no-op on anything else).
fn set(v: &mut Json, key: &str, value: Json) {
    if let Json::Object(m) = v {
        m.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sign::TEST_KEY;

    fn inputs() -> Vec<Input> {
        vec![
            Input {
                name: "main.pmth".into(),
                sha256: "ab".into(),
                role: Role::Source,
            },
            Input {
                name: "stdlib".into(),
                sha256: "cd".into(),
                role: Role::Stdlib,
            },
        ]
    }

    fn stmt(epoch: Option<i64>) -> Json {
        let inputs = inputs();
        let subjects = [Subject {
            name: "registry.json".into(),
            sha256: "ef".into(),
        }];
        statement(
            &subjects,
            &Provenance {
                package: ("case", "0.1.0"),
                opa: false,
                inputs: &inputs,
                epoch,
            },
        )
    }

    #[test]
    fn the_statement_is_slsa_provenance_without_time() {
        let s = stmt(None);
        assert_eq!(s["_type"], STATEMENT_TYPE);
        assert_eq!(s["predicate"]["buildDefinition"]["buildType"], BUILD_TYPE);
        assert_eq!(
            s["predicate"]["buildDefinition"]["resolvedDependencies"][1],
            json!({"name": "stdlib", "digest": {"sha256": "cd"}, "annotations": {"version": crate::VERSION}})
        );
        assert!(s["predicate"]["runDetails"].get("metadata").is_none());
        let bytes = payload_bytes(&s).unwrap_or_default();
        assert_eq!(
            parse_subjects(&bytes),
            Ok(vec![Subject {
                name: "registry.json".into(),
                sha256: "ef".into()
            }])
        );
    }

    #[test]
    fn source_date_epoch_sets_the_times() {
        let s = stmt(Some(1_700_000_000));
        assert_eq!(
            s["predicate"]["runDetails"]["metadata"]["startedOn"],
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn envelopes_round_trip_and_verify() {
        let key = SignKey::from_pem(TEST_KEY).ok();
        let payload = payload_bytes(&stmt(None)).unwrap_or_default();
        let env = envelope(&payload, key.as_ref());
        let bytes = jcs::to_vec(&env).unwrap_or_default();
        let parsed = parse_envelope(&bytes);
        let Ok(parsed) = parsed else {
            panic!("{parsed:?}");
        };
        assert_eq!(parsed.payload, payload);
        assert_eq!(parsed.payload_type, PAYLOAD_TYPE);
        let (keyid, sig) = parsed.signatures.first().cloned().unwrap_or_default();
        let vk = key.as_ref().map(SignKey::verify_key);
        assert_eq!(Some(keyid.as_str()), vk.as_ref().map(|k| k.keyid()));
        assert!(vk.is_some_and(|k| k.verify_der(&pae(PAYLOAD_TYPE, &payload), &sig)));
        let unsigned = envelope(&payload, None);
        assert_eq!(unsigned["signatures"], json!([]));
    }

    #[test]
    fn bad_envelopes_say_why() {
        assert!(parse_envelope(b"[]").is_err());
        assert!(parse_envelope(br#"{"payloadType":"x","payload":"%%%","signatures":[]}"#).is_err());
        assert!(parse_subjects(b"{}").is_err());
    }
}
